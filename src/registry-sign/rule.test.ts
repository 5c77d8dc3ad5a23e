import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { parseAutoSignRule } from './rule.ts';

const KEY = 'pkcs11:token=signing;object=release?module-path=/usr/lib/softhsm/libsofthsm2.so';

function refused(body: unknown, pattern: RegExp): void {
  assert.throws(
    () => parseAutoSignRule('team', body as Record<string, unknown>),
    (error: unknown) => {
      assert.ok(error instanceof PortcullisError, `expected a PortcullisError, got ${String(error)}`);
      assert.equal(error.code, 'INPUT');
      assert.match(error.message, pattern);
      return true;
    },
  );
}

describe('auto-sign rule bodies', () => {
  it('accepts a PKCS#11 key and normalises the rule text', () => {
    const rule = parseAutoSignRule('team', { keyRef: KEY, rule: 'no critical ,  no high with fix', annotations: { team: 'payments' }, pinFile: '/run/secrets/pin' });
    assert.deepEqual(rule, { project: 'team', keyRef: KEY, rule: 'no CRITICAL, no HIGH with fix', annotations: { team: 'payments' }, pinFile: '/run/secrets/pin' });
  });

  it('accepts a key file with its passphrase file', () => {
    const rule = parseAutoSignRule('team', { keyRef: '/etc/portcullis/cosign.key', rule: 'max 3 MEDIUM', passphraseFile: '/run/secrets/pass' });
    assert.equal(rule.keyRef, '/etc/portcullis/cosign.key');
    assert.equal(rule.passphraseFile, '/run/secrets/pass');
    assert.deepEqual(rule.annotations, {});
  });

  it('refuses a PIN inside the key URI, since rules are stored in clear', () => {
    refused({ keyRef: `${KEY}&pin-value=123456`, rule: 'no CRITICAL' }, /pin-value/);
  });

  it('refuses a key URI that does not parse', () => {
    refused({ keyRef: 'pkcs11:token=a;;;object', rule: 'no CRITICAL' }, /keyRef/);
  });

  it('reports every bad field at once', () => {
    refused({ keyRef: 42, rule: 'no PURPLE', annotations: ['a'], pinFile: 'relative/pin', extra: true }, /unknown field "extra".*keyRef must be.*PURPLE.*annotations must be an object.*pinFile must be an absolute path/s);
  });

  it('refuses relative key paths and path tricks', () => {
    refused({ keyRef: '../../etc/shadow', rule: 'no CRITICAL' }, /absolute key file path/);
    refused({ keyRef: KEY, rule: 'no CRITICAL', passphraseFile: 'secrets/../pass' }, /passphraseFile must be an absolute path/);
  });

  it('refuses control characters, replacement characters and oversized text', () => {
    refused({ keyRef: `/keys/a\nb.key`, rule: 'no CRITICAL' }, /control characters/);
    refused({ keyRef: KEY, rule: 'no CRITICAL\u0000' }, /control characters/);
    refused({ keyRef: `/keys/\ufffd.key`, rule: 'no CRITICAL' }, /invalid UTF-8/);
    refused({ keyRef: KEY, rule: `no CRITICAL${', no HIGH'.repeat(200)}` }, /longer than 1024/);
  });

  it('refuses bad annotations: too many, bad keys, non-strings', () => {
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`k${index}`, 'v']));
    refused({ keyRef: KEY, rule: 'no CRITICAL', annotations: many }, /more than 32 entries/);
    refused({ keyRef: KEY, rule: 'no CRITICAL', annotations: { 'bad key': 'v' } }, /annotation key "bad key"/);
    refused({ keyRef: KEY, rule: 'no CRITICAL', annotations: { team: 7 } }, /annotations.team must be a printable string/);
  });

  it('requires keyRef and rule', () => {
    refused({}, /keyRef must be a non-empty string.*rule must be a non-empty string/s);
    refused({ keyRef: KEY, rule: '   ' }, /rule must be a non-empty string/);
  });
});
