import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parseIndex, parsePlatform, platformMatches, selectPlatform } from './index.ts';

const testdata = (path: string) => readFileSync(new URL(`testdata/${path}`, import.meta.url));
const hubIndex = parseIndex(testdata('docker-hub-index/index.json'));

describe('selectPlatform', () => {
  it('defaults to linux/amd64', () => {
    assert.equal(selectPlatform(hubIndex).digest, `sha256:${'1'.repeat(64)}`);
  });

  it('picks the entry for os/arch/variant', () => {
    assert.equal(selectPlatform(hubIndex, 'linux/arm/v6').digest, `sha256:${'2'.repeat(64)}`);
    assert.equal(selectPlatform(hubIndex, 'linux/arm/v7').digest, `sha256:${'3'.repeat(64)}`);
    assert.equal(selectPlatform(hubIndex, 'linux/s390x').digest, `sha256:${'6'.repeat(64)}`);
  });

  it('normalises architectures and default variants like container runtimes', () => {
    assert.equal(selectPlatform(hubIndex, 'linux/arm64').digest, `sha256:${'4'.repeat(64)}`);
    assert.equal(selectPlatform(hubIndex, 'linux/aarch64').digest, `sha256:${'4'.repeat(64)}`);
    assert.equal(selectPlatform(hubIndex, 'linux/x86_64').digest, `sha256:${'1'.repeat(64)}`);
    assert.equal(selectPlatform(hubIndex, 'linux/arm').digest, `sha256:${'3'.repeat(64)}`);
  });

  it('fails with NOT_FOUND listing the platforms the index has', () => {
    assert.throws(() => selectPlatform(hubIndex, 'windows/amd64'), {
      code: 'NOT_FOUND',
      message: /no image for platform windows\/amd64.*linux\/amd64, linux\/arm\/v6, linux\/arm\/v7, linux\/arm64\/v8, linux\/386, linux\/s390x/,
    });
  });

  it('never picks or lists attestation entries', () => {
    const index = parseIndex(testdata('buildkit-attestation/index.json'));
    assert.equal(selectPlatform(index, 'linux/arm64').digest, `sha256:${'a'.repeat(64)}`);
    assert.throws(() => selectPlatform(index, 'unknown/unknown'), (error: Error) => !/has: .*unknown/.test(error.message));
    assert.throws(() => selectPlatform(index), { code: 'NOT_FOUND', message: /it has: linux\/arm64$/ });
  });

  it('refuses a malformed platform as USAGE', () => {
    for (const bad of ['linux', 'linux/', 'a/b/c/d', 'linux/amd 64', '']) {
      assert.throws(() => selectPlatform(hubIndex, bad), { code: 'USAGE' }, bad);
    }
  });
});

describe('platformMatches', () => {
  it('compares variants after normalisation', () => {
    assert.ok(platformMatches({ os: 'linux', architecture: 'arm64', variant: 'v8' }, parsePlatform('linux/arm64')));
    assert.ok(!platformMatches({ os: 'linux', architecture: 'arm', variant: 'v6' }, parsePlatform('linux/arm')));
    assert.ok(!platformMatches({ os: 'linux', architecture: 'amd64' }, parsePlatform('linux/arm64')));
  });
});
