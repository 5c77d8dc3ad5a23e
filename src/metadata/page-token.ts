/**
 * Page tokens of list calls: opaque to clients, tamper-checked by the server. A token carries where
 * the previous page stopped and which list it belongs to (parent and filter); an HMAC-SHA256 with
 * the store's own secret makes a forged or edited token a clean 400 instead of a skewed listing.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { inputError } from '../core/index.ts';

const MAX_TOKEN_LENGTH = 1024;

export class PageTokens {
  readonly #secret: Buffer;

  constructor(secret: Buffer) {
    this.#secret = secret;
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#secret).update(payload).digest();
  }

  /** A token that resumes `list` after `cursor`. */
  issue(list: string, cursor: string): string {
    const payload = Buffer.from(JSON.stringify({ l: list, c: cursor })).toString('base64url');
    return `${payload}.${this.#mac(payload).toString('base64url')}`;
  }

  /** The cursor of a token issued for `list`; undefined for no token; INPUT error for a bad one. */
  cursor(list: string, token: string | undefined): string | undefined {
    if (token === undefined || token === '') return undefined;
    const invalid = () => inputError('invalid pageToken: it must be a nextPageToken from the same list call (same parent and filter)');
    if (token.length > MAX_TOKEN_LENGTH) throw invalid();
    const [payload = '', mac = '', extra] = token.split('.');
    if (extra !== undefined) throw invalid();
    const given = Buffer.from(mac, 'base64url');
    const expected = this.#mac(payload);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw invalid();
    let decoded: unknown;
    try {
      decoded = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw invalid();
    }
    const { l, c } = (decoded ?? {}) as { l?: unknown; c?: unknown };
    if (l !== list || typeof c !== 'string') throw invalid();
    return c;
  }
}
