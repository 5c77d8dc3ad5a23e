import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { singlePositional } from './args.ts';

describe('singlePositional', () => {
  it('returns the one argument', () => {
    assert.equal(singlePositional(['oci:./layout'], 'sbom', 'TARGET'), 'oci:./layout');
  });

  it('refuses none or several with a usage error naming the command and the noun', () => {
    for (const given of [[], ['a', 'b']]) {
      assert.throws(
        () => singlePositional(given, 'scan', 'TARGET'),
        (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE' && error.message === 'scan takes exactly one TARGET (see portcullis scan --help)',
      );
    }
  });
});
