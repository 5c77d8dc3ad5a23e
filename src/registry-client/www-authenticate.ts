/**
 * Parser for `WWW-Authenticate` challenges (RFC 7235 section 4.1) as registries send them:
 * `Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a:pull,push"`.
 *
 * Hand-written because the header is a comma-separated list of challenges whose parameters are
 * themselves comma-separated and may quote commas, so neither a split nor a regex is correct, and
 * no maintained npm package parses multi-challenge headers. The header is untrusted: anything
 * outside the grammar is an AUTH error that says what was wrong, never a crash.
 */
import { PortcullisError } from '../core/index.ts';

export interface Challenge {
  /** Auth scheme, lower case: "basic", "bearer". */
  scheme: string;
  /** Parameters with lower-case names; quoted values are unescaped. */
  params: Record<string, string>;
}

/** Longer headers are refused: real challenges are a few hundred bytes. */
const MAX_HEADER_LENGTH = 8192;
const TOKEN_CHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;

/** Parses every challenge in the header; `source` names the registry in error messages. */
export function parseChallenges(header: string, source: string): Challenge[] {
  const fail = (reason: string): PortcullisError =>
    new PortcullisError('AUTH', `${source} sent a malformed WWW-Authenticate header (${reason}): ${JSON.stringify(header.slice(0, 200))}`);
  if (header.length > MAX_HEADER_LENGTH) throw fail(`longer than ${MAX_HEADER_LENGTH} characters`);

  let pos = 0;
  const skip = (chars: string): void => {
    while (pos < header.length && chars.includes(header.charAt(pos))) pos++;
  };
  const readToken = (): string => {
    const start = pos;
    while (pos < header.length && TOKEN_CHAR.test(header.charAt(pos))) pos++;
    return header.slice(start, pos);
  };
  const readQuoted = (): string => {
    pos++; // opening quote
    let value = '';
    while (pos < header.length) {
      const char = header.charAt(pos++);
      if (char === '"') return value;
      if (char === '\\') {
        if (pos >= header.length) break;
        value += header.charAt(pos++);
      } else {
        value += char;
      }
    }
    throw fail('unterminated quoted string');
  };

  const challenges: Challenge[] = [];
  for (;;) {
    skip(' \t,');
    if (pos >= header.length) break;
    const scheme = readToken();
    if (scheme === '') throw fail(`unexpected character ${JSON.stringify(header.charAt(pos))} where an auth scheme should start`);
    const challenge: Challenge = { scheme: scheme.toLowerCase(), params: {} };
    challenges.push(challenge);
    skip(' \t');
    // Parameters follow until the next token that is not followed by '=' (the next scheme).
    for (;;) {
      const paramStart = pos;
      const name = readToken();
      if (name === '') break;
      skip(' \t');
      if (header.charAt(pos) !== '=') {
        pos = paramStart;
        break;
      }
      pos++;
      skip(' \t');
      const value = header.charAt(pos) === '"' ? readQuoted() : readToken();
      if (value === '' && header.charAt(pos - 1) !== '"') throw fail(`parameter ${JSON.stringify(name)} has no value`);
      const key = name.toLowerCase();
      if (key in challenge.params) throw fail(`parameter ${JSON.stringify(name)} appears twice`);
      challenge.params[key] = value;
      skip(' \t');
      if (pos >= header.length) break;
      if (header.charAt(pos) !== ',') throw fail(`unexpected character ${JSON.stringify(header.charAt(pos))} after parameter ${JSON.stringify(name)}`);
      pos++;
      skip(' \t,');
    }
  }
  if (challenges.length === 0) throw fail('no challenge');
  return challenges;
}
