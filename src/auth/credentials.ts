/**
 * Parsing of the `Authorization` header: `Basic base64(user:password)` or `Bearer <jwt>`. The header
 * is untrusted, so bad base64, missing colons, control characters, invalid UTF-8 and oversized
 * values are AUTH errors with a reason, never crashes or silent anonymous fallbacks.
 */
import { PortcullisError } from '../core/index.ts';

export type Credentials = { scheme: 'none' } | { scheme: 'basic'; username: string; password: string } | { scheme: 'bearer'; token: string };

const MAX_HEADER_LENGTH = 16384;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const MAX_USERNAME_LENGTH = 255;
const CONTROL = /[\u0000-\u001f\u007f]/;

export function parseAuthorization(header: string | undefined): Credentials {
  if (header === undefined || header === '') return { scheme: 'none' };
  if (header.length > MAX_HEADER_LENGTH) throw new PortcullisError('AUTH', `Authorization header is longer than ${MAX_HEADER_LENGTH} characters`);
  const space = header.indexOf(' ');
  const scheme = (space === -1 ? header : header.slice(0, space)).toLowerCase();
  const value = space === -1 ? '' : header.slice(space + 1).trim();
  switch (scheme) {
    case 'basic':
      return parseBasic(value);
    case 'bearer':
      if (value === '' || /\s/.test(value)) throw new PortcullisError('AUTH', 'malformed bearer token');
      return { scheme: 'bearer', token: value };
    default:
      throw new PortcullisError('AUTH', `unsupported authorization scheme ${JSON.stringify(scheme.slice(0, 20))}`);
  }
}

function parseBasic(value: string): Credentials {
  if (value === '' || value.length % 4 !== 0 || !BASE64.test(value)) throw new PortcullisError('AUTH', 'malformed basic credentials: not base64');
  let decoded: string;
  try {
    decoded = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(value, 'base64'));
  } catch (error) {
    throw new PortcullisError('AUTH', 'malformed basic credentials: not UTF-8', { cause: error });
  }
  const colon = decoded.indexOf(':');
  if (colon === -1) throw new PortcullisError('AUTH', 'malformed basic credentials: no colon between user and password');
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  if (username === '' || username.length > MAX_USERNAME_LENGTH || CONTROL.test(username)) throw new PortcullisError('AUTH', 'malformed basic credentials: bad user name');
  return { scheme: 'basic', username, password };
}
