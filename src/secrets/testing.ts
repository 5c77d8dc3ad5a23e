/**
 * Test support: realistic fake credentials for every built-in rule, generated at run time from a
 * seeded generator (so no secret-shaped string sits in the repository for other scanners to trip
 * on), each with the text it is planted in, the path that text lives at, and near-misses that
 * must not match.
 */

import type { ImageSpec } from '../../test/helpers/image-builder.ts';

/** Deterministic xorshift generator: the same seed always gives the same fake secrets. */
function generator(seed: string): (alphabet: string, length: number) => string {
  let state = 0x9e3779b9;
  for (const char of seed) state = Math.imul(state ^ char.charCodeAt(0), 0x85ebca6b) >>> 0;
  const next = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state;
  };
  return (alphabet, length) => Array.from({ length }, () => alphabet[next() % alphabet.length]).join('');
}

const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = '0123456789abcdef';
const BASE64 = `${ALNUM}+/`;
const BASE32 = `${UPPER}234567`;

export interface Sample {
  /** The text the secret is planted in (a line or a small file). */
  text: string;
  /** The secret exactly as the finding must point at it. */
  secret: string;
  /** Path of the file the text is in (path-bound rules need the right name). */
  path: string;
}

function pemBody(random: ReturnType<typeof generator>, lines: number): string {
  return Array.from({ length: lines }, () => random(BASE64, 64)).join('\n');
}

function base64Url(value: string): string {
  return Buffer.from(value).toString('base64url');
}

/** One positive sample per rule id; `variant` gives a different secret of the same kind. */
export function sampleFor(ruleId: string, variant = 0): Sample {
  const random = generator(`${ruleId}#${variant}`);
  const at = (text: string, secret: string, path = 'srv/app/config.txt'): Sample => ({ text, secret, path });
  switch (ruleId) {
    case 'aws-access-key-id': {
      const secret = `AKIA${random(BASE32, 16)}`;
      return at(`aws_access_key_id = ${secret}\n`, secret, 'root/.aws/credentials');
    }
    case 'aws-secret-access-key': {
      const secret = random(BASE64, 40);
      return at(`[default]\naws_secret_access_key = ${secret}\n`, secret, 'root/.aws/credentials');
    }
    case 'aws-access-key-pair': {
      const secret = random(BASE64, 40);
      return at(`User name,Access key ID,Secret access key\ndeploy,AKIA${random(BASE32, 16)},${secret}\n`, secret, 'home/deploy/credentials.csv');
    }
    case 'gcp-service-account-key': {
      const secret = `-----BEGIN PRIVATE KEY-----\\n${pemBody(random, 4).replace(/\n/g, '\\n')}\\n-----END PRIVATE KEY-----`;
      const json = `{\n  "type": "service_account",\n  "project_id": "shop-prod",\n  "private_key_id": "${random(HEX, 40)}",\n  "private_key": "${secret}\\n",\n  "client_email": "deployer@shop-prod.iam.gserviceaccount.com"\n}\n`;
      return at(json, secret, 'etc/gcp/key.json');
    }
    case 'azure-storage-account-key': {
      const secret = `${random(BASE64, 86)}==`;
      return at(`DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey=${secret};EndpointSuffix=core.windows.net\n`, secret);
    }
    case 'azure-client-secret': {
      const secret = `${random(ALNUM, 3)}8Q~${random(ALNUM, 34)}`;
      return at(`AZURE_CLIENT_ID=4f1c\nclient_secret: ${secret}\n`, secret);
    }
    case 'github-token': {
      const secret = `ghp_${random(ALNUM, 36)}`;
      return at(`git clone https://${secret}@github.com/acme/app.git\n`, secret, 'srv/deploy.sh');
    }
    case 'github-fine-grained-token': {
      const secret = `github_pat_${random(ALNUM, 22)}_${random(ALNUM, 59)}`;
      return at(`GH_TOKEN ${secret}\n`, secret);
    }
    case 'gitlab-token': {
      const secret = `glpat-${random(ALNUM, 20)}`;
      return at(`gitlab:\n  token: ${secret}\n`, secret, 'srv/ci.yml');
    }
    case 'slack-token': {
      const secret = `xoxb-${random(DIGITS, 12)}-${random(DIGITS, 13)}-${random(ALNUM, 24)}`;
      return at(`const slack = new WebClient('${secret}');\n`, secret, 'srv/app/notify.js');
    }
    case 'slack-webhook': {
      const secret = `T${random(UPPER + DIGITS, 8)}/B${random(UPPER + DIGITS, 10)}/${random(ALNUM, 24)}`;
      return at(`webhook = "https://hooks.slack.com/services/${secret}"\n`, secret);
    }
    case 'stripe-live-key': {
      const secret = `sk_live_${random(ALNUM, 24)}`;
      return at(`STRIPE = '${secret}'\n`, secret, 'srv/app/settings.py');
    }
    case 'twilio-api-key': {
      const secret = `SK${random(HEX, 32)}`;
      return at(`twilio key sid ${secret}\n`, secret);
    }
    case 'twilio-auth-token': {
      const secret = random(HEX, 32);
      return at(`TWILIO_AUTH_TOKEN: "${secret}"\n`, secret);
    }
    case 'npm-token': {
      const secret = `npm_${random(ALNUM, 36)}`;
      return at(`NPM_PUBLISH ${secret}\n`, secret);
    }
    case 'pypi-token': {
      const secret = `pypi-AgEIcHlwaS5vcmc${random(`${ALNUM}-_`, 70)}`;
      return at(`TWINE ${secret}\n`, secret);
    }
    case 'jwt': {
      const secret = `${base64Url('{"alg":"HS256","typ":"JWT"}')}.${base64Url(`{"sub":"svc-${random(LOWER, 6)}","iat":1700000000}`)}.${random(`${ALNUM}-_`, 43)}`;
      return at(`Authorization: Bearer ${secret}\n`, secret);
    }
    case 'private-key': {
      const kind = ['RSA ', 'EC ', 'OPENSSH ', '', 'ENCRYPTED ', 'DSA '][variant % 6]!;
      const headers = variant % 6 === 0 && variant > 0 ? 'Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0A1B2C3D4E5F60718293A4B5C6D7E8F9\n\n' : '';
      const secret = `${headers}${pemBody(random, 6)}`;
      return at(`-----BEGIN ${kind}PRIVATE KEY-----\n${secret}\n-----END ${kind}PRIVATE KEY-----\n`, secret, 'root/.ssh/id_key');
    }
    case 'putty-private-key': {
      const secret = `${random(BASE64, 64)}\n${random(BASE64, 40)}`;
      return at(
        `PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ops\nPublic-Lines: 2\n${random(BASE64, 64)}\n${random(BASE64, 20)}\nPrivate-Lines: 2\n${secret}\nPrivate-MAC: ${random(HEX, 64)}\n`,
        secret,
        'home/ops/key.ppk',
      );
    }
    case 'npmrc-auth': {
      const secret = `${random(HEX, 8)}-${random(HEX, 4)}-${random(HEX, 4)}-${random(HEX, 4)}-${random(HEX, 12)}`;
      return at(`registry=https://npm.acme.io/\n//npm.acme.io/:_authToken=${secret}\n`, secret, 'root/.npmrc');
    }
    case 'pypirc-password': {
      const secret = random(ALNUM, 18);
      return at(`[distutils]\nindex-servers = internal\n\n[internal]\nusername = deploy\npassword = ${secret}\n`, secret, 'root/.pypirc');
    }
    case 'docker-config-auth': {
      const secret = Buffer.from(`robot:${random(ALNUM, 24)}`).toString('base64');
      return at(`{"auths":{"registry.acme.io":{"auth":"${secret}"}}}\n`, secret, 'root/.docker/config.json');
    }
    case 'git-credentials': {
      const secret = random(ALNUM, 20);
      return at(`https://alice:${secret}@git.acme.io\n`, secret, 'root/.git-credentials');
    }
    case 'url-password': {
      const secret = random(ALNUM, 16);
      return at(`db_url: postgres://app:${secret}@db.internal:5432/shop\n`, secret, 'srv/app/database.yml');
    }
    case 'dotenv-secret': {
      const secret = random(ALNUM, 14);
      return at(`PORT=8080\nDB_PASSWORD=${secret}\n`, secret, 'srv/app/.env');
    }
    case 'generic-secret-assignment': {
      const secret = random(ALNUM, 32);
      return at(`client = Client(api_key="${secret}")\n`, secret, 'srv/app/main.py');
    }
    case 'pii-email':
      return at('Contact: jane.doe@corp-mail.net\n', 'jane.doe@corp-mail.net', 'srv/data/customers.csv');
    case 'pii-payment-card':
      return at('card,4111 1111 1111 1111,12/29\n', '4111 1111 1111 1111', 'srv/data/orders.csv');
    case 'pii-iban':
      return at('iban: DE89 3704 0044 0532 0130 00\n', 'DE89 3704 0044 0532 0130 00', 'srv/data/payees.yml');
    case 'pii-us-ssn':
      return at('ssn=123-45-6789\n', '123-45-6789', 'srv/data/people.txt');
    case 'pii-phone':
      return at('tel: +44 20 7946 0958\n', '+44 20 7946 0958', 'srv/data/people.txt');
    default:
      throw new Error(`no sample for rule ${ruleId}`);
  }
}

/** Texts that look close to a rule's secret but are not one (or are documented placeholders). */
export function nearMissesFor(ruleId: string): string[] {
  const random = generator(`${ruleId}#miss`);
  switch (ruleId) {
    case 'aws-access-key-id':
      return ['AKIAIOSFODNN7EXAMPLE', `akia${random(BASE32, 16).toLowerCase()}`, `AKIA${random(BASE32, 12)}`, `XAKIA${random(BASE32, 16)}`];
    case 'aws-secret-access-key':
      return ['aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', `aws_secret_access_key = ${'a'.repeat(40)}`, 'aws_secret_access_key = ${AWS_SECRET}'];
    case 'aws-access-key-pair':
      return [`AKIAIOSFODNN7EXAMPLE,${random(BASE64, 20)}`];
    case 'gcp-service-account-key':
      return [`{"private_key": "-----BEGIN PRIVATE KEY-----\\n${random(BASE64, 100)}\\n-----END PRIVATE KEY-----\\n", "client_email": "a@b.com"}`];
    case 'azure-storage-account-key':
      return ['AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;', 'AccountKey=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx==', 'AccountKey=short'];
    case 'azure-client-secret':
      return [`abc8Q~${random(ALNUM, 10)}`];
    case 'github-token':
      return [`ghp_${random(ALNUM, 20)}`, `ghp_${'x'.repeat(36)}`, `xghp_${random(ALNUM, 36)}`, `ghx_${random(ALNUM, 36)}`];
    case 'github-fine-grained-token':
      return [`github_pat_${random(ALNUM, 22)}`];
    case 'gitlab-token':
      return [`glpat-${random(ALNUM, 10)}`, 'glpat-xxxxxxxxxxxxxxxxxxxx'];
    case 'slack-token':
      return ['xoxb-your-token-here', `xoxz-${random(DIGITS, 12)}-${random(ALNUM, 24)}`];
    case 'slack-webhook':
      return ['https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'];
    case 'stripe-live-key':
      return [`sk_test_${random(ALNUM, 24)}`, 'sk_live_xxxxxxxxxxxxxxxxxxxxxxxx'];
    case 'twilio-api-key':
      return [`SK${random(HEX, 20)}`, `ASK${random(HEX, 32)}`, `SK${'0'.repeat(32)}`];
    case 'twilio-auth-token':
      return [`twilio_token = "${random(HEX, 16)}"`];
    case 'npm-token':
      return [`npm_${random(ALNUM, 20)}`, `npm_config_${random(LOWER, 36)}`];
    case 'pypi-token':
      return [`pypi-${random(ALNUM, 60)}`];
    case 'jwt':
      return [`eyJ${random(ALNUM, 20)}.eyJ${random(ALNUM, 20)}.${random(ALNUM, 20)}`];
    case 'private-key':
      return ['-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----', '-----BEGIN RSA PRIVATE KEY-----\n-----END RSA PRIVATE KEY-----', 'private key-----'];
    case 'putty-private-key':
      return [`Private-Lines: 2\n${random(BASE64, 64)}\n`];
    case 'npmrc-auth':
      return ['//registry.npmjs.org/:_authToken=${NPM_TOKEN}'];
    case 'pypirc-password':
      return ['password = '];
    case 'docker-config-auth':
      return [`{"auths":{"r":{"auth":"${Buffer.from('nocolon').toString('base64')}"}}}`];
    case 'git-credentials':
      return ['https://github.com'];
    case 'url-password':
      return ['https://user:password@example.com/', 'http://abc:xyz@example.com', 'postgres://app:${DB_PASSWORD}@db:5432/app', 'http://host:8080/path@x'];
    case 'dotenv-secret':
      return ['DB_PASSWORD=', 'API_TOKEN_TTL=3600', 'SECRET_KEY_FILE=secret.pem', 'DB_PASSWORD=changeme', 'PASSWORD=true'];
    case 'generic-secret-assignment':
      return ['password = "aaaaaaaaaaaaaaaa"', 'token = "get_token_for_user"', 'secret: "/run/secrets/db_password"', 'api_key = "${API_KEY}"', 'password = "your-password-here"'];
    case 'pii-email':
      return ['user@example.com', 'not-an-address@', '@handle'];
    case 'pii-payment-card':
      return ['4111 1111 1111 1112', '1234 5678 9012 3456', 'version 4111111111111111.2'];
    case 'pii-iban':
      return ['DE89 3704 0044 0532 0130 01', 'XX89 3704 0044 0532 0130 00', 'DE89 3704 0044 0532 0130'];
    case 'pii-us-ssn':
      return ['666-12-3456', '000-12-3456', '900-12-3456', '123-00-4567', '123-45-0000', '078-05-1120'];
    case 'pii-phone':
      return ['+1703-06148', '+611305-1495401', '+123', '+1 123 456 7890'];
    default:
      throw new Error(`no near-misses for rule ${ruleId}`);
  }
}

/** The secrets planted in PLANTED_IMAGE, by role. */
export const PLANTED = {
  ENV: sampleFor('dotenv-secret'),
  AWS: sampleFor('aws-access-key-pair'),
  GITHUB: sampleFor('github-token'),
  KEY: sampleFor('private-key', 1),
  STRIPE: sampleFor('stripe-live-key'),
  NPMRC: sampleFor('npmrc-auth'),
  VENDORED: sampleFor('slack-token'),
  BUILD_ARG: sampleFor('npm-token'),
  LABEL: sampleFor('gitlab-token'),
};
const { ENV, AWS, GITHUB, KEY, STRIPE, NPMRC, VENDORED, BUILD_ARG, LABEL } = PLANTED;

/** A three-layer image: layer 2 deletes the private key of layer 1 and overwrites its settings.py. */
export const PLANTED_IMAGE: ImageSpec = {
  labels: { 'org.opencontainers.image.title': 'shop', 'ci.deploy-token': LABEL.secret },
  layers: [
    {
      createdBy: 'ADD rootfs.tar /',
      entries: [
        { path: 'etc/', type: 'dir' },
        { path: 'etc/os-release', content: 'ID=debian\nVERSION_ID=12\n' },
        { path: 'srv/app/.env', content: ENV.text },
        { path: 'home/deploy/credentials.csv', content: AWS.text },
        { path: 'usr/lib/libfoo.so', content: Buffer.concat([Buffer.from('\u007fELF\u0000'), Buffer.from(GITHUB.text)]) },
        { path: 'srv/app/blob.txt', content: Buffer.concat([Buffer.from('header\u0000'), Buffer.from(GITHUB.text)]) },
      ],
    },
    {
      compression: 'zstd',
      createdBy: `RUN |1 NPM_TOKEN=${BUILD_ARG.secret} /bin/sh -c npm ci`,
      entries: [
        { path: 'srv/deploy.sh', content: `#!/bin/sh\n${GITHUB.text}` },
        { path: 'root/.ssh/id_key', content: KEY.text, mode: 0o600 },
        { path: 'srv/app/settings.py', content: `DEBUG = False\n${STRIPE.text}` },
        { path: 'app/node_modules/slack-sdk/test/fixtures/client.js', content: VENDORED.text },
      ],
    },
    {
      compression: 'none',
      createdBy: 'RUN /bin/sh -c rm /root/.ssh/id_key && sed -i /STRIPE/d /srv/app/settings.py',
      entries: [
        { path: 'root/.ssh/.wh.id_key' },
        { path: 'srv/app/settings.py', content: 'DEBUG = False\n' },
        { path: 'root/.npmrc', content: NPMRC.text },
      ],
    },
  ],
};
