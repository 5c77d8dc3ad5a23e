import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatReference, isLocalhost, isRepository, isTag, manifestReference, parseReference, registryHost } from './reference.ts';
import { PortcullisError } from './errors.ts';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

function assertInputError(input: string, pattern: RegExp): void {
  assert.throws(
    () => parseReference(input),
    (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT' && pattern.test(error.message),
    `expected INPUT error matching ${pattern} for ${JSON.stringify(input.slice(0, 60))}`,
  );
}

describe('parseReference', () => {
  const cases: Array<[string, string, string, string | undefined, string | undefined]> = [
    ['alpine', 'docker.io', 'library/alpine', undefined, undefined],
    ['alpine:3.20', 'docker.io', 'library/alpine', '3.20', undefined],
    ['bitnami/redis:7', 'docker.io', 'bitnami/redis', '7', undefined],
    ['docker.io/alpine', 'docker.io', 'library/alpine', undefined, undefined],
    ['index.docker.io/library/alpine:edge', 'docker.io', 'library/alpine', 'edge', undefined],
    ['ghcr.io/org/team/app:v1.2.3', 'ghcr.io', 'org/team/app', 'v1.2.3', undefined],
    ['localhost/app', 'localhost', 'app', undefined, undefined],
    ['localhost:5000/app:dev', 'localhost:5000', 'app', 'dev', undefined],
    ['127.0.0.1:15000/a/b', '127.0.0.1:15000', 'a/b', undefined, undefined],
    ['[::1]:5000/app', '[::1]:5000', 'app', undefined, undefined],
    ['Registry.Example.COM/app', 'registry.example.com', 'app', undefined, undefined],
    [`quay.io/a_b/c__d/e-f---g.h@${DIGEST}`, 'quay.io', 'a_b/c__d/e-f---g.h', undefined, DIGEST],
    [`app:1@${DIGEST}`, 'docker.io', 'library/app', '1', DIGEST],
  ];
  for (const [input, domain, repository, tag, digest] of cases) {
    it(`parses ${input}`, () => {
      const reference = parseReference(input);
      assert.equal(reference.domain, domain);
      assert.equal(reference.repository, repository);
      assert.equal(reference.tag, tag);
      assert.equal(reference.digest, digest);
    });
  }

  it('formats the canonical form and round-trips it', () => {
    const canonical = formatReference(parseReference(`app:1@${DIGEST}`));
    assert.equal(canonical, `docker.io/library/app:1@${DIGEST}`);
    assert.deepEqual(parseReference(canonical), parseReference(`app:1@${DIGEST}`));
    assert.equal(formatReference(parseReference('localhost:5000/x')), 'localhost:5000/x');
  });

  it('rejects hostile and malformed references with INPUT errors', () => {
    assertInputError('', /empty/);
    assertInputError('Alpine', /lowercase/);
    assertInputError('docker.io/Library/alpine', /lowercase/);
    assertInputError('alpine:-bad', /invalid tag/);
    assertInputError(`alpine:${'t'.repeat(129)}`, /invalid tag/);
    assertInputError('alpine:a b', /invalid tag/);
    assertInputError('alpine@sha256:abc', /invalid digest/);
    assertInputError(`alpine@md5:${'a'.repeat(32)}`, /invalid digest/);
    assertInputError(`alpine@${DIGEST.toUpperCase()}`, /invalid digest/);
    assertInputError(`ghcr.io/${'a'.repeat(250)}`, /longer than 255/);
    assertInputError('x'.repeat(5000), /longer than 1024/);
    assertInputError('ghcr.io/app;rm -rf', /invalid repository path/);
    assertInputError('ghcr.io/app$(id)', /invalid repository path/);
    assertInputError('ghcr.io/../etc/passwd', /invalid repository path/);
    assertInputError('ghcr.io//app', /invalid repository path/);
    assertInputError('ghcr.io/app/', /invalid repository path/);
    assertInputError('ghcr.io/a--/b', /invalid repository path/);
    assertInputError('ghcr.io/app\n:tag', /invalid repository path/);
    assertInputError('exa_mple.com/app', /invalid registry host/);
    assertInputError('-bad.com/app', /invalid registry host/);
    assertInputError('example.com:99999/app', /invalid registry port/);
    assertInputError('example.com:/app', /invalid registry port/);
    assertInputError('[::1/app', /invalid registry host/);
    assertInputError('[zz]:5000/app', /invalid registry host/);
    assertInputError('ghcr.io/app\u00e9', /invalid repository path/);
  });
});

describe('registry helpers', () => {
  it('maps Docker Hub to its API host and leaves others alone', () => {
    assert.equal(registryHost(parseReference('alpine').domain), 'registry-1.docker.io');
    assert.equal(registryHost(parseReference('ghcr.io/a/b').domain), 'ghcr.io');
  });

  it('detects local registries', () => {
    assert.equal(isLocalhost('localhost:5000'), true);
    assert.equal(isLocalhost('127.0.0.1'), true);
    assert.equal(isLocalhost('[::1]:5000'), true);
    assert.equal(isLocalhost('localhost.example.com'), false);
    assert.equal(isLocalhost('ghcr.io'), false);
  });

  it('validates repository names and tags on their own', () => {
    assert.equal(isRepository('library/alpine'), true);
    assert.equal(isRepository('a/../b'), false);
    assert.equal(isRepository('App'), false);
    assert.equal(isRepository(''), false);
    assert.equal(isRepository('a'.repeat(256)), false);
    assert.equal(isTag('v1.2_3-rc'), true);
    assert.equal(isTag('.hidden'), false);
  });

  it('asks for the digest first, then the tag, then latest', () => {
    assert.equal(manifestReference(parseReference(`a:1@${DIGEST}`)), DIGEST);
    assert.equal(manifestReference(parseReference('a:1')), '1');
    assert.equal(manifestReference(parseReference('a')), 'latest');
  });
});
