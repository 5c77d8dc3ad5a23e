/**
 * Rules for private keys, for the credential files tools write (.npmrc, .pypirc, docker config,
 * .git-credentials, .env) and for passwords in URLs, then the generic rule: a high-entropy value
 * assigned to a secret-sounding name. The generic rule comes last so that a specific rule names a
 * finding when both match.
 */
import type { SecretRule } from '../types.ts';

/**
 * The virtual path under which image config ENV entries, labels and build arguments are scanned
 * (as `NAME=value` lines), so the dotenv rule applies to them as to a `.env` file.
 */
export const CONFIG_ENV_PATH = '<image config>.env';

/** A PEM body: base64, header lines (`Proc-Type: 4,ENCRYPTED`), `\n` escapes; a '-' never starts `-----`. */
const PEM_BODY = String.raw`(?:[A-Za-z0-9+/=\s\\:,.]|-(?!----)){32,32768}`;

const SECRET_NAME = String.raw`(?:password|passwd|pwd|secret|token|api[_.-]?key|apikey|access[_.-]?key|auth[_.-]?key|private[_.-]?key|client[_.-]?secret|credentials?)`;

export const FILE_RULES: readonly SecretRule[] = [
  {
    id: 'private-key',
    category: 'secret',
    title: 'Private key (PEM)',
    severity: 'HIGH',
    keywords: ['private key-----', 'private key block-----'],
    regex: new RegExp(String.raw`-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----(?<secret>${PEM_BODY})-----END `),
    help: 'A private key (RSA, EC, DSA, OpenSSH, PKCS#8, encrypted PKCS#8 or PGP). Treat it as compromised: revoke the certificate or remove the public key wherever it is trusted, and mount keys at run time instead of baking them in.',
  },
  {
    id: 'putty-private-key',
    category: 'secret',
    title: 'PuTTY private key (PPK)',
    severity: 'HIGH',
    keywords: ['private-lines:'],
    regex: /Private-Lines: \d{1,4}\r?\n(?<secret>(?:[A-Za-z0-9+/=]{1,128}\r?\n){1,256})/,
    requires: /PuTTY-User-Key-File-[23]: /,
    help: 'A PuTTY private key file. Remove its public key from every authorized_keys and generate a new pair.',
  },
  {
    id: 'npmrc-auth',
    category: 'secret',
    title: 'npm registry credential in .npmrc',
    severity: 'CRITICAL',
    keywords: ['_authtoken', '_auth', '_password'],
    regex: /(?:_authToken|_auth|_password)\s{0,3}=\s{0,3}["']?(?<secret>[^\s"'$]{8,1024})/,
    paths: /(?:^|\/)\.?npmrc$/,
    help: 'A registry token or password in .npmrc. Revoke it; give the token to npm at build time through a build secret and an `${NPM_TOKEN}` reference, and never copy .npmrc into the final image.',
  },
  {
    id: 'pypirc-password',
    category: 'secret',
    title: 'Package index password in .pypirc',
    severity: 'CRITICAL',
    keywords: ['password'],
    regex: /^[ \t]{0,8}password[ \t]{0,3}[:=][ \t]{0,3}(?<secret>\S{4,512})/im,
    paths: /(?:^|\/)\.pypirc$/,
    help: 'An upload password or token for a Python package index. Revoke it on the index and keep .pypirc out of images.',
  },
  {
    id: 'docker-config-auth',
    category: 'secret',
    title: 'Registry credential in a docker config file',
    severity: 'CRITICAL',
    keywords: ['"auth"'],
    regex: /"auth"\s{0,3}:\s{0,3}"(?<secret>[A-Za-z0-9+/]{4,4096}={0,2})"/,
    paths: /(?:^|\/)(?:\.docker\/config\.json|\.dockercfg|containers\/auth\.json)$/,
    check: 'base64-docker-auth',
    help: 'A base64 `user:password` for a container registry. Change the password or revoke the token, and use a credential helper or build secret instead.',
  },
  {
    id: 'git-credentials',
    category: 'secret',
    title: 'Password or token in .git-credentials',
    severity: 'CRITICAL',
    keywords: ['://'],
    regex: /^[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:@/]{1,128}:(?<secret>[^\s@/]{1,256})@/m,
    paths: /(?:^|\/)\.git-credentials$/,
    help: 'git stores passwords and tokens in plain text here. Revoke them and use a credential helper or build secret.',
  },
  {
    id: 'url-password',
    category: 'secret',
    title: 'Password in a URL',
    severity: 'HIGH',
    keywords: ['://'],
    // Hosts under the documentation domains (RFC 2606) are examples, not credentials.
    regex: /(?<![A-Za-z0-9+.-])[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/[A-Za-z0-9._~%!$&'()*+,;=-]{1,64}:(?<secret>[A-Za-z0-9._~%!&'()*+,;=-]{4,128})@(?!(?:[A-Za-z0-9-]{1,63}\.){0,8}(?:example\.(?:com|org|net)|example|invalid|test)(?![A-Za-z0-9.-]))[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,10}(?![A-Za-z0-9-])/,
    help: 'A connection URL with its password (database, proxy, broker, git remote). Change the password and pass the URL at run time.',
  },
  {
    id: 'dotenv-secret',
    category: 'secret',
    title: 'Secret in an environment file or image ENV',
    severity: 'HIGH',
    keywords: ['password', 'passwd', 'secret', 'token', 'key', 'auth', 'credential'],
    regex: /^[ \t]{0,8}(?:export[ \t]{1,8})?[A-Za-z0-9_.]{0,40}(?:PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|ACCESS_?KEY|PRIVATE_?KEY|AUTH_?KEY|CREDENTIALS?)[A-Za-z0-9_.]{0,40}[ \t]{0,3}=[ \t]{0,3}["']?(?<secret>[^\s"'#]{6,1024})/im,
    paths: /(?:^|\/)(?:\.env(?:\.[\w.-]{1,40})?|[\w.-]{1,80}\.env|<image config>\.env)$/,
    entropy: 2.5,
    allow: { values: [/^(?:true|false|yes|no|on|off|null|none|nil|\d{1,12}|[\w.-]{1,80}\.(?:pem|key|crt|json|txt))$/i] },
    help: 'A secret in a dotenv file or in the image configuration (ENV, labels, build arguments recorded in history). Anyone who can pull the image can read it: rotate it and inject it at run time.',
  },
  {
    id: 'generic-secret-assignment',
    category: 'secret',
    title: 'High-entropy value assigned to a secret-like name',
    severity: 'MEDIUM',
    keywords: ['password', 'passwd', 'pwd', 'secret', 'token', 'api_key', 'apikey', 'api-key', 'access_key', 'accesskey', 'auth_key', 'private_key', 'credential'],
    // Names ending in `_id` (`private_key_id`, `token_id`) hold identifiers, not secrets.
    regex: new RegExp(String.raw`${SECRET_NAME}[A-Za-z0-9_.-]{0,20}(?<![_.-]id)["']?\s{0,3}(?::=|=>|=|:)\s{0,3}(?<q>["'\x60])(?<secret>[^"'\x60\s\\]{12,256})\k<q>`, 'i'),
    entropy: 3.5,
    check: 'random-looking',
    help: 'A random-looking literal assigned to a name like password, secret, token or api_key. Move it to a secret store and rotate it.',
  },
];
