/**
 * Test helper: a tiny Docker token server (distribution's token spec) over HTTPS on 127.0.0.1.
 * It signs RS256 JWTs with a throwaway self-signed certificate made by `openssl`, carried in the
 * `x5c` header so that a registry configured with that certificate as `rootcertbundle` trusts them.
 * One user may have every action on every repository; anonymous clients get tokens that grant
 * nothing. Every request is recorded for assertions.
 */
import { spawnSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign, X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from './registry.ts';

export interface TokenRequest {
  /** The Basic-auth user, or undefined for an anonymous request. */
  user?: string;
  service?: string;
  scopes: string[];
}

export interface TokenServer {
  /** What the registry's `auth.token` config needs. */
  realm: string;
  service: string;
  issuer: string;
  rootCertBundle: string;
  requests: TokenRequest[];
  stop(): Promise<void>;
}

const ISSUER = 'portcullis-test-token-issuer';
const TOKEN_SECONDS = 300;

function base64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

/** Actions granted for one requested scope `repository:<name>:<actions>`. */
function grant(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const match = /^(repository):([^:]+):(.+)$/.exec(scope);
  if (match === null) return undefined;
  return { type: match[1] ?? '', name: match[2] ?? '', actions: (match[3] ?? '').split(',') };
}

/** Creates a key and certificate in a temporary directory and starts the server. */
export async function startTokenServer(options: { username: string; password: string; service: string }): Promise<TokenServer> {
  requireTool('openssl', 'openssl');
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-token-'));
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  const made = spawnSync(
    'openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1', '-subj', '/CN=portcullis-test-token', '-addext', 'subjectAltName=IP:127.0.0.1'],
    { encoding: 'utf8' },
  );
  if (made.status !== 0) throw new Error(`openssl failed: ${made.stderr}`);
  const keyPem = await readFile(keyPath);
  const certPem = await readFile(certPath);
  const privateKey = createPrivateKey(keyPem);
  const certDer = new X509Certificate(certPem).raw.toString('base64');
  const requests: TokenRequest[] = [];
  const expected = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;

  const issue = (subject: string, scopes: string[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer] };
    const claims = {
      iss: ISSUER,
      sub: subject,
      aud: options.service,
      exp: now + TOKEN_SECONDS,
      nbf: now - 10,
      iat: now,
      jti: randomBytes(8).toString('hex'),
      access: subject === '' ? [] : scopes.map(grant).filter((entry) => entry !== undefined),
    };
    const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
    return `${signingInput}.${base64url(sign('sha256', Buffer.from(signingInput), privateKey))}`;
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const authorization = request.headers.authorization;
    const user = authorization === undefined ? undefined : Buffer.from(authorization.replace(/^Basic /, ''), 'base64').toString('utf8').split(':')[0];
    const service = url.searchParams.get('service') ?? undefined;
    requests.push({ ...(user !== undefined && { user }), ...(service !== undefined && { service }), scopes: url.searchParams.getAll('scope') });
    response.setHeader('content-type', 'application/json');
    if (authorization !== undefined && authorization !== expected) {
      response.writeHead(401).end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] }));
      return;
    }
    const token = issue(user ?? '', url.searchParams.getAll('scope'));
    response.end(JSON.stringify({ token, expires_in: TOKEN_SECONDS, issued_at: new Date().toISOString() }));
  };

  const server = createServer({ key: keyPem, cert: certPem }, handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `https://127.0.0.1:${port}/token`,
    service: options.service,
    issuer: ISSUER,
    rootCertBundle: certPath,
    requests,
    stop: async () => {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
