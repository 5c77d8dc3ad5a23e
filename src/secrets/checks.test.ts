import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dockerAuthValid, ibanValid, jwtValid, looksRandom, luhnValid, phoneValid, shannonEntropy, usSsnValid } from './checks.ts';

describe('checks', () => {
  it('computes Shannon entropy in bits per character', () => {
    assert.equal(shannonEntropy(''), 0);
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abab'), 1);
    assert.equal(shannonEntropy('abcdefgh'), 3);
  });

  it('checks Luhn on card numbers, with separators', () => {
    assert.equal(luhnValid('4111 1111 1111 1111'), true);
    assert.equal(luhnValid('5500-0000-0000-0004'), true);
    assert.equal(luhnValid('378282246310005'), true);
    assert.equal(luhnValid('4111 1111 1111 1112'), false);
    assert.equal(luhnValid('0000 0000 0000 0000'), false, 'placeholder of zeros');
    assert.equal(luhnValid('4111'), false);
    assert.equal(luhnValid('4111x1111y1111z1111'), false);
  });

  it('checks IBAN country length and mod-97', () => {
    assert.equal(ibanValid('DE89 3704 0044 0532 0130 00'), true);
    assert.equal(ibanValid('GB82WEST12345698765432'), true);
    assert.equal(ibanValid('NO9386011117947'), true);
    assert.equal(ibanValid('DE89 3704 0044 0532 0130 01'), false, 'check digits');
    assert.equal(ibanValid('DE89 3704 0044 0532 0130'), false, 'length for DE');
    assert.equal(ibanValid('ZZ89370400440532013000'), false, 'unknown country');
  });

  it('checks US SSN issuing ranges', () => {
    assert.equal(usSsnValid('123-45-6789'), true);
    for (const invalid of ['000-12-3456', '666-12-3456', '900-12-3456', '999-12-3456', '123-00-4567', '123-45-0000', '078-05-1120', '12-345-6789']) {
      assert.equal(usSsnValid(invalid), false, invalid);
    }
  });

  it('accepts phone numbers conservatively', () => {
    assert.equal(phoneValid('+44 20 7946 0958'), true);
    assert.equal(phoneValid('+1 415 555 2671'), true);
    assert.equal(phoneValid('(415) 555-2671'), true);
    assert.equal(phoneValid('+1 123 456 7890'), false, 'NANP area code cannot start with 1');
    assert.equal(phoneValid('+1703-06148'), false, 'too short');
    assert.equal(phoneValid('+611305-1495401'), false, 'ISO 6709 coordinate');
    assert.equal(phoneValid('+1234567890'), false, 'counting sequence');
  });

  it('decodes JWT header and payload', () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    assert.equal(jwtValid(`${part({ alg: 'RS256' })}.${part({ sub: 'x' })}.sig`), true);
    assert.equal(jwtValid(`${part({ typ: 'JWT' })}.${part({ sub: 'x' })}.sig`), false, 'no alg');
    assert.equal(jwtValid(`eyJub3Rqc29u.${part({ sub: 'x' })}.sig`), false, 'header not JSON');
    assert.equal(jwtValid('eyJ'), false);
  });

  it('recognises docker auth values', () => {
    assert.equal(dockerAuthValid(Buffer.from('user:pass').toString('base64')), true);
    assert.equal(dockerAuthValid(Buffer.from('user:').toString('base64')), false);
    assert.equal(dockerAuthValid(Buffer.from('nocolon').toString('base64')), false);
    assert.equal(dockerAuthValid(Buffer.from('a:\u0001\u0002').toString('base64')), false, 'binary garbage');
  });

  it('tells generated values from identifiers, paths and versions', () => {
    assert.equal(looksRandom('q8Zr2LmXv9TnB4wYk'), true);
    assert.equal(looksRandom('get_token_for_user'), false);
    assert.equal(looksRandom('getTokenForUser'), false);
    assert.equal(looksRandom('/run/secrets/db_password'), false);
    assert.equal(looksRandom('https://vault.internal/v1'), false);
    assert.equal(looksRandom('1.2.3-beta4'), false);
    assert.equal(looksRandom('alllowercaseletters'), false);
  });
});
