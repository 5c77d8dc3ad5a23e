import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { identityFromFileName } from './identity.ts';
import { parseManifestMainSection } from './manifest.ts';
import { parseProperties } from './properties.ts';

describe('parseProperties', () => {
  it('reads separators, comments, continuations and escapes as java.util.Properties does', () => {
    const text = '# comment\n! also a comment\n  a=1\nb : 2\nc 3\nd=multi\\\n   line\ne=caf\\u00e9 \\t tab\nf\\=g=h\nonly-key\nlast=x\\';
    const properties = parseProperties(Buffer.from(text, 'latin1'));
    assert.deepEqual(Object.fromEntries(properties), {
      a: '1', b: '2', c: '3', d: 'multiline', e: 'café \t tab', 'f=g': 'h', 'only-key': '', last: 'x',
    });
  });

  it('reads ISO-8859-1 bytes as such, never failing on them', () => {
    const properties = parseProperties(Buffer.from([0x6b, 0x3d, 0xe9, 0xff]));
    assert.equal(properties.get('k'), 'éÿ');
  });
});

describe('parseManifestMainSection', () => {
  it('joins continuation lines and stops at the first blank line', () => {
    const text = 'Manifest-Version: 1.0\r\nImplementation-Title: long\r\n -name\r\nimplementation-version: 2\r\n\r\nName: a/b\r\nImplementation-Version: 9\r\n';
    assert.deepEqual(Object.fromEntries(parseManifestMainSection(text)), {
      'manifest-version': '1.0', 'implementation-title': 'long-name', 'implementation-version': '2',
    });
  });

  it('ignores lines that are not headers', () => {
    assert.deepEqual(Object.fromEntries(parseManifestMainSection(' orphan\nnot a header\nA: 1\n')), { a: '1' });
  });
});

describe('identityFromFileName', () => {
  it('splits at the first dash followed by a digit', () => {
    const cases: Array<[string, string | undefined]> = [
      ['commons-lang3-3.12.0.jar', 'commons-lang3 3.12.0'],
      ['spring-core-5.3.20.RELEASE.jar', 'spring-core 5.3.20.RELEASE'],
      ['guava-31.1-jre.jar', 'guava 31.1-jre'],
      ['app.war', undefined],
      ['-1.0.jar', undefined],
    ];
    for (const [name, expected] of cases) {
      const identity = identityFromFileName(name);
      assert.equal(identity && `${identity.artifactId} ${identity.version}`, expected, name);
    }
  });
});
