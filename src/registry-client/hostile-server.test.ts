/**
 * The client against registries that lie or misbehave, played by node:http servers: content that
 * does not match its digest, oversized documents, broken challenges, stalls, redirects to other
 * hosts, and paginated tag lists (which the Debian registry cannot produce).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { PortcullisError, sha256Digest } from '../core/index.ts';
import { openRemoteImage } from '../image/sources/remote.ts';
import { RegistryClient, type RegistryClientOptions } from './index.ts';

interface FakeRegistry {
  host: string;
  /** Method, path and Authorization header of every request, in order. */
  seen: Array<{ method: string; path: string; authorization?: string }>;
}

const servers: Array<{ close(): void; closeAllConnections(): void }> = [];
after(() => {
  for (const server of servers) {
    server.closeAllConnections();
    server.close();
  }
});

async function fakeRegistry(handle: (request: IncomingMessage, response: ServerResponse, registry: FakeRegistry) => void): Promise<FakeRegistry> {
  const registry: FakeRegistry = { host: '', seen: [] };
  const server = createServer((request, response) => {
    const authorization = request.headers.authorization;
    registry.seen.push({ method: request.method ?? '', path: request.url ?? '', ...(authorization !== undefined && { authorization }) });
    handle(request, response, registry);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  registry.host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return registry;
}

function client(registry: FakeRegistry, options: Partial<RegistryClientOptions> = {}): RegistryClient {
  // An empty environment: no auth file of the machine running the tests is read.
  return new RegistryClient({ domain: registry.host, insecure: true, env: {}, ...options });
}

function isError(code: string, pattern: RegExp) {
  return (error: unknown): boolean => {
    assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    assert.match(error.message, pattern);
    return true;
  };
}

const MANIFEST = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json' }));
const MANIFEST_DIGEST = sha256Digest(MANIFEST);
const OTHER_DIGEST = sha256Digest('something else');

describe('manifests from a lying registry', { timeout: 20_000 }, () => {
  it('refuses bytes that do not match the digest asked for', async () => {
    const registry = await fakeRegistry((_, response) => response.end(Buffer.from('{"tampered":true}')));
    await assert.rejects(client(registry).getManifest('app', MANIFEST_DIGEST), isError('DIGEST_MISMATCH', /requested digest/));
  });

  it('refuses bytes that do not match the Docker-Content-Digest header', async () => {
    const registry = await fakeRegistry((_, response) => response.writeHead(200, { 'docker-content-digest': OTHER_DIGEST }).end(MANIFEST));
    await assert.rejects(client(registry).getManifest('app', 'latest'), isError('DIGEST_MISMATCH', /Docker-Content-Digest/));
  });

  it('returns the verified digest and media type', async () => {
    const registry = await fakeRegistry((_, response) =>
      response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json; charset=utf-8', 'docker-content-digest': MANIFEST_DIGEST }).end(MANIFEST),
    );
    const fetched = await client(registry).getManifest('app', 'latest');
    assert.equal(fetched.digest, MANIFEST_DIGEST);
    assert.equal(fetched.mediaType, 'application/vnd.oci.image.manifest.v1+json');
    assert.deepEqual(fetched.bytes, MANIFEST);
    assert.match(registry.seen.at(-1)?.path ?? '', /^\/v2\/app\/manifests\/latest$/);
  });

  it('refuses a huge manifest by its Content-Length and a huge chunked one as it arrives', async () => {
    const declared = await fakeRegistry((_, response) => response.writeHead(200, { 'content-length': String(64 * 1024 ** 2) }).end());
    await assert.rejects(client(declared, { maxManifestBytes: 1024 }).getManifest('app', 'latest'), isError('LIMIT', /limit of 1024/));
    const chunked = await fakeRegistry((_, response) => {
      for (let i = 0; i < 64; i++) response.write(Buffer.alloc(1024, 0x20));
      response.end();
    });
    await assert.rejects(client(chunked, { maxManifestBytes: 4096 }).getManifest('app', 'latest'), isError('LIMIT', /limit of 4096/));
  });

  it('refuses manifest references that are neither tags nor digests', async () => {
    const registry = await fakeRegistry((_, response) => response.end(MANIFEST));
    await assert.rejects(client(registry).getManifest('app', '../../etc'), isError('INPUT', /invalid manifest reference/));
    await assert.rejects(client(registry).getManifest('../../v2/other', 'latest'), isError('INPUT', /invalid repository name/));
    await assert.rejects(client(registry).listTags('app?x=1'), isError('INPUT', /invalid repository name/));
    assert.equal(registry.seen.length, 0);
  });

  it('names the image in errors about an invalid manifest', async () => {
    const registry = await fakeRegistry((_, response) => response.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end('{"schemaVersion":'));
    await assert.rejects(openRemoteImage(`${registry.host}/app:1`, { insecure: true }), isError('INPUT', new RegExp(`${registry.host}/app:1`)));
  });
});

describe('blobs from a lying registry', { timeout: 20_000 }, () => {
  const content = Buffer.from('layer bytes');
  const blob = { digest: sha256Digest(content), size: content.length };

  it('fails the stream with DIGEST_MISMATCH when content of the right size is wrong', async () => {
    const registry = await fakeRegistry((_, response) => response.end(Buffer.from('LAYER BYTES')));
    const stream = await client(registry).openBlob('app', blob);
    await assert.rejects(buffer(stream), isError('DIGEST_MISMATCH', /digest mismatch/));
  });

  it('fails with INPUT when the blob is longer or shorter than declared', async () => {
    const longer = await fakeRegistry((_, response) => response.end(Buffer.concat([content, content])));
    await assert.rejects(client(longer).getBlob('app', blob, 1024), isError('INPUT', /sends 22 bytes, but the descriptor says 11/));
    const chunkedLonger = await fakeRegistry((_, response) => {
      response.write(content);
      response.end(content);
    });
    await assert.rejects(buffer(await client(chunkedLonger).openBlob('app', blob)), isError('INPUT', /larger than its declared size/));
    const shorter = await fakeRegistry((_, response) => {
      response.write(content.subarray(0, 5));
      response.end();
    });
    await assert.rejects(buffer(await client(shorter).openBlob('app', blob)), isError('INPUT', /5 bytes, but its declared size is 11/));
  });

  it('streams a correct blob, asking for it without content encoding', async () => {
    let acceptEncoding: string | undefined;
    const registry = await fakeRegistry((request, response) => {
      acceptEncoding = request.headers['accept-encoding'];
      response.end(content);
    });
    assert.deepEqual(await buffer(await client(registry).openBlob('app', blob)), content);
    assert.equal(acceptEncoding, 'identity');
  });

  it('refuses a blob over the size limit before downloading it', async () => {
    const registry = await fakeRegistry((_, response) => response.end(content));
    await assert.rejects(client(registry).getBlob('app', blob, 4), isError('LIMIT', /limit of 4 bytes/));
    assert.equal(registry.seen.length, 0);
  });

  it('follows a redirect to another host without the Authorization header', async () => {
    const storage = await fakeRegistry((_, response) => response.end(content));
    const registry = await fakeRegistry((request, response) => {
      if (request.headers.authorization === undefined) {
        response.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end();
        return;
      }
      response.writeHead(307, { location: `http://${storage.host}/storage/blob?signature=abc` }).end();
    });
    const data = await buffer(await client(registry, { credentials: { username: 'u', password: 'p' } }).openBlob('app', blob));
    assert.deepEqual(data, content);
    assert.ok(registry.seen.at(-1)?.authorization?.startsWith('Basic '), 'the registry got the credentials');
    assert.deepEqual(storage.seen, [{ method: 'GET', path: '/storage/blob?signature=abc' }]);
  });

  it('fails with NETWORK when the body stalls', async () => {
    const registry = await fakeRegistry((_, response) => {
      response.writeHead(200, { 'content-length': String(content.length) });
      response.write(content.subarray(0, 3)); // and never the rest
    });
    const stream = await client(registry, { idleTimeoutMs: 200 }).openBlob('app', blob);
    await assert.rejects(buffer(stream), isError('NETWORK', /no data for 200 ms/));
  });
});

describe('auth challenges from a hostile registry', { timeout: 20_000 }, () => {
  it('reports a malformed WWW-Authenticate header as AUTH', async () => {
    const registry = await fakeRegistry((_, response) => response.writeHead(401, { 'www-authenticate': 'Bearer realm="https://auth.example/token' }).end());
    await assert.rejects(client(registry).getManifest('app', 'latest'), isError('AUTH', /malformed WWW-Authenticate header \(unterminated quoted string\)/));
  });

  it('reports a 401 without any challenge as AUTH', async () => {
    const registry = await fakeRegistry((_, response) => response.writeHead(401).end());
    await assert.rejects(client(registry).getManifest('app', 'latest'), isError('AUTH', /without a WWW-Authenticate/));
  });

  it('puts the spec error body of a 403 into the AUTH message', async () => {
    const registry = await fakeRegistry((_, response) =>
      response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'requested access to the resource is denied\u0007' }] })),
    );
    await assert.rejects(client(registry).getManifest('app', 'latest'), isError('AUTH', /access denied \(HTTP 403\) \(DENIED: requested access to the resource is denied\)$/));
  });

  it('maps server errors to NETWORK', async () => {
    const registry = await fakeRegistry((_, response) => response.writeHead(503).end('<html>down</html>'));
    await assert.rejects(client(registry).getManifest('app', 'latest'), isError('NETWORK', /HTTP 503$/));
  });

  it('does not read a huge error body', async () => {
    let written = 0;
    const registry = await fakeRegistry((_, response) => {
      response.writeHead(500, { 'content-type': 'application/json' });
      const more = (): void => {
        while (written < 64 * 1024 ** 2 && response.write(Buffer.alloc(64 * 1024, 0x20))) written += 64 * 1024;
        if (written < 64 * 1024 ** 2 && !response.destroyed) response.once('drain', more);
      };
      more();
    });
    await assert.rejects(client(registry).getManifest('app', 'latest'), isError('NETWORK', /HTTP 500$/));
    assert.ok(written < 16 * 1024 ** 2, `stopped reading early (server wrote ${written} bytes)`);
  });

  it('refuses a plain-HTTP token realm unless insecure', async () => {
    const registry = await fakeRegistry((_, response) => response.writeHead(401, { 'www-authenticate': 'Bearer realm="http://127.0.0.1:1/token"' }).end());
    await assert.rejects(client(registry, { insecure: false }).getManifest('app', 'latest'), isError('AUTH', /must be HTTPS/));
  });

  it('accepts access_token, sends service and scope, and fetches a new token when the registry rejects the cached one', async () => {
    let issued = 0;
    const tokens = await fakeRegistry((_, response) => {
      issued++;
      response.end(JSON.stringify({ access_token: `token-${issued}`, expires_in: 300 }));
    });
    const registry = await fakeRegistry((request, response) => {
      // token-1 works once, then the registry treats it as expired.
      const accepted = request.headers.authorization === 'Bearer token-2' || (request.headers.authorization === 'Bearer token-1' && issued === 1 && !request.url?.includes('second'));
      if (!accepted) {
        response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${tokens.host}/token",service="fake registry",scope="repository:app:pull"` }).end();
        return;
      }
      response.writeHead(200, { 'docker-content-digest': MANIFEST_DIGEST }).end(MANIFEST);
    });
    const reader = client(registry);
    await reader.getManifest('app', 'latest');
    await reader.getManifest('app', 'first');
    await reader.getManifest('app', 'second');
    assert.equal(issued, 2);
    const tokenRequest = new URL(tokens.seen[0]?.path ?? '', 'http://x');
    assert.equal(tokenRequest.searchParams.get('service'), 'fake registry');
    assert.deepEqual(tokenRequest.searchParams.getAll('scope'), ['repository:app:pull']);
    assert.equal(tokens.seen[0]?.authorization, undefined, 'anonymous token request');
    const manifestAuth = registry.seen.map((request) => request.authorization ?? '-');
    assert.deepEqual(manifestAuth, ['-', 'Bearer token-1', 'Bearer token-1', 'Bearer token-1', 'Bearer token-2']);
  });

  it('refuses a token answer without a token', async () => {
    const tokens = await fakeRegistry((_, response) => response.end(JSON.stringify({ expires_in: 300 })));
    const registry = await fakeRegistry((_, response) => response.writeHead(401, { 'www-authenticate': `Bearer realm="http://${tokens.host}/token"` }).end());
    await assert.rejects(client(registry).getManifest('app', 'latest'), isError('AUTH', /neither "token" nor "access_token"/));
  });
});

describe('transport failures', { timeout: 20_000 }, () => {
  it('times out when no response comes', async () => {
    const registry = await fakeRegistry(() => {}); // never answers
    await assert.rejects(client(registry, { timeoutMs: 200 }).getManifest('app', 'latest'), isError('NETWORK', /timed out/));
  });

  it('stops following endless redirects', async () => {
    const loop = await fakeRegistry((request, response) => response.writeHead(302, { location: request.url ?? '/' }).end());
    await assert.rejects(client(loop).getManifest('app', 'latest'), isError('NETWORK', /more than 10 redirects/));
  });
});

describe('tag listing', { timeout: 20_000 }, () => {
  it('follows Link pages, relative and absolute', async () => {
    const registry = await fakeRegistry((request, response, self) => {
      const url = new URL(request.url ?? '/', 'http://x');
      const last = url.searchParams.get('last');
      if (last === null) {
        response.writeHead(200, { link: '</v2/app/tags/list?n=2&last=b>; rel="next"' }).end(JSON.stringify({ name: 'app', tags: ['a', 'b'] }));
      } else if (last === 'b') {
        response.writeHead(200, { link: `<http://${self.host}/v2/app/tags/list?n=2&last=d>; rel="next"` }).end(JSON.stringify({ name: 'app', tags: ['c', 'd'] }));
      } else {
        response.end(JSON.stringify({ name: 'app', tags: ['e'] }));
      }
    });
    assert.deepEqual(await client(registry).listTags('app', { pageSize: 2 }), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(registry.seen[0]?.path, '/v2/app/tags/list?n=2');
  });

  it('stops at looping pages, empty pages, links to other hosts, too many tags and invalid tags', async () => {
    const looping = await fakeRegistry((_, response) => response.writeHead(200, { link: '</v2/app/tags/list?n=2>; rel="next"' }).end('{"tags":["a"]}'));
    await assert.rejects(client(looping).listTags('app', { pageSize: 2 }), isError('NETWORK', /pagination loops/));
    const elsewhere = await fakeRegistry((_, response) => response.writeHead(200, { link: '<http://evil.example/v2/app/tags/list>; rel="next"' }).end('{"tags":["a"]}'));
    await assert.rejects(client(elsewhere).listTags('app'), isError('NETWORK', /refusing to follow a link to http:\/\/evil.example/));
    let pages = 0;
    const emptyPages = await fakeRegistry((_, response) => {
      pages++;
      response.writeHead(200, { link: `</v2/app/tags/list?last=${pages}>; rel="next"` }).end('{"tags":[]}');
    });
    assert.deepEqual(await client(emptyPages).listTags('app'), []);
    assert.equal(pages, 1, 'an empty page ends the listing');
    const many = await fakeRegistry((_, response) => response.end(JSON.stringify({ tags: ['a', 'b', 'c'] })));
    await assert.rejects(client(many).listTags('app', { maxTags: 2 }), isError('LIMIT', /more than 2 tags/));
    const invalid = await fakeRegistry((_, response) => response.end(JSON.stringify({ tags: ['ok', '../bad', 7] })));
    await assert.rejects(client(invalid).listTags('app'), isError('INPUT', /tags\[1\], tags\[2\]/));
  });
});
