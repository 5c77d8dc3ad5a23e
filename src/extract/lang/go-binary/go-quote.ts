/**
 * Go's strconv quoting as the linker uses it for build settings whose key or value holds a space,
 * tab, newline, quote or '=' (`build\t-ldflags="-s -w"`). Only double-quoted strings occur there.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', '"': '"', "'": "'",
};

/**
 * The double-quoted Go string at the start of `text`: its decoded value and how many characters it
 * took; undefined when `text` does not start with a well-formed quoted string.
 */
export function unquotePrefix(text: string): { value: string; length: number } | undefined {
  if (!text.startsWith('"')) return undefined;
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 1; i < text.length; ) {
    const char = text[i]!;
    if (char === '"') return { value: new TextDecoder().decode(Uint8Array.from(bytes)), length: i + 1 };
    if (char === '\n') return undefined;
    if (char !== '\\') {
      const codePoint = text.codePointAt(i)!;
      const literal = String.fromCodePoint(codePoint);
      bytes.push(...encoder.encode(literal));
      i += literal.length;
      continue;
    }
    const kind = text[i + 1];
    if (kind === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      bytes.push(simple.charCodeAt(0));
      i += 2;
      continue;
    }
    const digits = kind === 'x' ? 2 : kind === 'u' ? 4 : kind === 'U' ? 8 : kind >= '0' && kind <= '7' ? 3 : 0;
    if (digits === 0) return undefined;
    const start = kind >= '0' && kind <= '7' ? i + 1 : i + 2;
    const raw = text.slice(start, start + digits);
    const radix = kind >= '0' && kind <= '7' ? 8 : 16;
    if (raw.length !== digits || !(radix === 8 ? /^[0-7]+$/ : /^[0-9a-fA-F]+$/).test(raw)) return undefined;
    const value = Number.parseInt(raw, radix);
    if (kind === 'x' || radix === 8) {
      if (value > 0xff) return undefined;
      bytes.push(value);
    } else {
      if (value > 0x10ffff) return undefined;
      bytes.push(...encoder.encode(String.fromCodePoint(value)));
    }
    i = start + digits;
  }
  return undefined;
}
