import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { IpAllowlist, parseCidr } from './cidr.ts';

const isInput = (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT';

describe('IP allowlists', () => {
  it('matches IPv4 blocks, including IPv4-mapped IPv6 client addresses', () => {
    const list = new IpAllowlist(['10.0.0.0/8', '192.168.1.7']);
    assert.equal(list.allows('10.20.30.40'), true);
    assert.equal(list.allows('::ffff:10.1.2.3'), true);
    assert.equal(list.allows('192.168.1.7'), true);
    assert.equal(list.allows('192.168.1.8'), false);
    assert.equal(list.allows('11.0.0.1'), false);
  });

  it('matches IPv6 blocks', () => {
    const list = new IpAllowlist(['2001:db8::/32', '::1/128']);
    assert.equal(list.allows('2001:db8:1::5'), true);
    assert.equal(list.allows('::1'), true);
    assert.equal(list.allows('2001:db9::1'), false);
    assert.equal(list.allows('10.0.0.1'), false);
  });

  it('allows everything when empty, and refuses unknown or malformed client addresses otherwise', () => {
    assert.equal(new IpAllowlist([]).allows(undefined), true);
    const list = new IpAllowlist(['0.0.0.0/0']);
    assert.equal(list.allows('8.8.8.8'), true);
    assert.equal(list.allows(undefined), false);
    assert.equal(list.allows('not-an-ip'), false);
    assert.equal(list.allows(''), false);
  });

  it('parses prefixes and defaults bare addresses to a single host', () => {
    assert.deepEqual(parseCidr('10.0.0.0/8'), { address: '10.0.0.0', prefix: 8, family: 'ipv4' });
    assert.deepEqual(parseCidr('2001:db8::1'), { address: '2001:db8::1', prefix: 128, family: 'ipv6' });
  });

  it('rejects malformed blocks with an INPUT error', () => {
    const bad = ['', '10.0.0.0/33', '2001:db8::/129', '10.0.0/8', '10.0.0.0/', '10.0.0.0/-1', '10.0.0.0/8/8', 'host.example/24', '10.0.0.0/ 8', '１０.0.0.0/8', `${'1'.repeat(100)}/8`, '::/0x10'];
    for (const text of bad) assert.throws(() => parseCidr(text), isInput, text);
    assert.throws(() => new IpAllowlist(['10.0.0.0/8', 'nonsense']), isInput);
  });
});
