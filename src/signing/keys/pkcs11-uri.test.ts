import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../../core/index.ts';
import { formatPkcs11Uri, parsePkcs11Uri } from './pkcs11-uri.ts';

describe('pkcs11 URIs (RFC 7512)', () => {
  it('parses the RFC examples', () => {
    assert.deepEqual(parsePkcs11Uri('pkcs11:object=my-pubkey;type=public'), { object: 'my-pubkey', type: 'public' });
    const full = parsePkcs11Uri(
      'pkcs11:token=The%20Software%20PKCS%2311%20Softtoken;manufacturer=Snake%20Oil,%20Inc.;model=1.0;object=my-certificate;type=cert;id=%69%95%3E%5C%F4%BD%EC%91;serial=?pin-source=file:/etc/token_pin',
    );
    assert.equal(full.token, 'The Software PKCS#11 Softtoken');
    assert.equal(full.manufacturer, 'Snake Oil, Inc.');
    assert.deepEqual(full.id, Buffer.from('69953e5cf4bdec91', 'hex'));
    assert.equal(full.serial, '');
    assert.equal(full.pinSource, 'file:/etc/token_pin');
    assert.equal(parsePkcs11Uri('pkcs11:token=Name%20with%20a%20small%20A%20with%20acute:%20%C3%A1;object=my-certificate;type=cert').token, 'Name with a small A with acute: á');
    assert.equal(parsePkcs11Uri('pkcs11:token=A%20name%20with%20a%20substring%20%25%3B;object=my-certificate;type=cert').token, 'A name with a substring %;');
    assert.deepEqual(parsePkcs11Uri('pkcs11:token=my-token;object=my-certificate;type=cert;x-vend-aaa=value-a?pin-source=file:/etc/token_pin&x-vend-bbb=value-b'), {
      token: 'my-token',
      object: 'my-certificate',
      type: 'cert',
      pinSource: 'file:/etc/token_pin',
    });
    assert.deepEqual(parsePkcs11Uri('pkcs11:library-manufacturer=Snake%20Oil,%20Inc.;library-description=Soft%20Token%20Library;library-version=1.23'), {
      libraryManufacturer: 'Snake Oil, Inc.',
      libraryDescription: 'Soft Token Library',
      libraryVersion: '1.23',
    });
    assert.deepEqual(parsePkcs11Uri('pkcs11:'), {});
  });

  it('reads the module and PIN from the query', () => {
    const uri = parsePkcs11Uri('pkcs11:token=portcullis-test;object=signing-key;slot-id=3?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=12%2634');
    assert.equal(uri.modulePath, '/usr/lib/softhsm/libsofthsm2.so');
    assert.equal(uri.pinValue, '12&34');
    assert.equal(uri.slotId, 3);
  });

  it('formats canonically, leaving the PIN out unless asked', () => {
    const text = 'pkcs11:token=my%20token;object=k%3Bey;id=%01%FF?module-path=/m.so&pin-value=1234';
    const uri = parsePkcs11Uri(text);
    assert.equal(formatPkcs11Uri(uri), 'pkcs11:token=my%20token;object=k%3Bey;id=%01%FF?module-path=/m.so');
    assert.equal(formatPkcs11Uri(uri, { withPin: true }), text);
    assert.deepEqual(parsePkcs11Uri(formatPkcs11Uri(uri, { withPin: true })), uri);
  });

  it('refuses bad syntax with a usage error that names the problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['pkcs12:token=a', /must start with "pkcs11:"/],
      ['pkcs11:token=a;token=b', /token is given twice/],
      ['pkcs11:token', /not name=value/],
      ['pkcs11:=x', /not name=value/],
      ['pkcs11:colour=blue', /unknown path attribute "colour"/],
      ['pkcs11:token=a?flavour=x', /unknown query attribute "flavour"/],
      ['pkcs11:token=a b', /must be percent-encoded/],
      ['pkcs11:token=a%2', /must be percent-encoded|percent-encoding/],
      ['pkcs11:token=%zz', /must be percent-encoded|percent-encoding/],
      ['pkcs11:token=%C3%28', /not UTF-8/],
      ['pkcs11:type=secret', /type must be one of/],
      ['pkcs11:slot-id=-1', /slot-id must be a decimal number/],
      ['pkcs11:slot-id=99999999999', /slot-id/],
      ['pkcs11:id=', /id is empty/],
      ['pkcs11:library-version=x', /library-version/],
      ['pkcs11:token=a?pin-value=1&pin-source=file:/p', /not both/],
      ['pkcs11:token=a?pin-value=1&pin-value=2', /given twice/],
      [`pkcs11:token=${'a'.repeat(5000)}`, /longer than 4096/],
    ];
    for (const [text, pattern] of cases) {
      assert.throws(() => parsePkcs11Uri(text), (error: unknown) => {
        assert.ok(error instanceof PortcullisError, text);
        assert.equal(error.code, 'USAGE', text);
        assert.match(error.message, pattern, text);
        return true;
      });
    }
  });
});
