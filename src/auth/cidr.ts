/**
 * Per-project IP allowlists: CIDR blocks for IPv4 and IPv6, matched with node:net's BlockList
 * (which also matches IPv4-mapped IPv6 client addresses such as "::ffff:10.0.0.1" against IPv4 rules).
 */
import { BlockList, isIP } from 'node:net';
import { PortcullisError } from '../core/index.ts';

export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

const MAX_CIDR_LENGTH = 64;

/** Parses "10.0.0.0/8", "2001:db8::/32" or a bare address (a /32 or /128); INPUT error otherwise. */
export function parseCidr(text: string): Cidr {
  const fail = () => new PortcullisError('INPUT', `invalid CIDR block ${JSON.stringify(text.slice(0, MAX_CIDR_LENGTH))}: expected ADDRESS/PREFIX`);
  if (typeof text !== 'string' || text.length === 0 || text.length > MAX_CIDR_LENGTH) throw fail();
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0) throw fail();
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const max = version === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(max) : text.slice(slash + 1);
  if (!/^[0-9]{1,3}$/.test(prefixText)) throw fail();
  const prefix = Number(prefixText);
  if (prefix > max) throw fail();
  return { address, prefix, family };
}

/** A compiled allowlist; an empty list allows every address. */
export class IpAllowlist {
  readonly #list = new BlockList();
  readonly #empty: boolean;

  constructor(cidrs: readonly string[]) {
    this.#empty = cidrs.length === 0;
    for (const text of cidrs) {
      const { address, prefix, family } = parseCidr(text);
      this.#list.addSubnet(address, prefix, family);
    }
  }

  /** False for addresses outside the list, and for a missing or malformed address when the list is not empty. */
  allows(ip: string | undefined): boolean {
    if (this.#empty) return true;
    if (ip === undefined) return false;
    const version = isIP(ip);
    if (version === 0) return false;
    return this.#list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
  }
}
