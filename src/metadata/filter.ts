/**
 * The `filter` of Grafeas list calls: a subset of Google's AIP-160 filtering language.
 *
 *   filter     := or
 *   or         := and ('OR' and)*
 *   and        := unary (['AND'] unary)*          juxtaposition is AND, as in AIP-160
 *   unary      := ('NOT' | '-') unary | '(' or ')' | comparison
 *   comparison := field ('=' | '!=' | '<' | '>' | '<=' | '>=') value
 *   value      := "quoted string" | bare-word
 *
 * Hand-written because no maintained npm package parses AIP-160, and because filters arrive from
 * anyone who can list: the tokenizer is one pass over the characters (no backtracking regex), the
 * input length, nesting depth and number of comparisons are bounded, and every violation is an
 * INPUT error (400), never a crash or a slow match.
 */
import { inputError } from '../core/index.ts';

export const MAX_FILTER_LENGTH = 4096;
export const MAX_FILTER_DEPTH = 16;
export const MAX_FILTER_TERMS = 64;

export type Comparator = '=' | '!=' | '<' | '>' | '<=' | '>=';

export type FilterNode =
  | { op: 'and' | 'or'; terms: FilterNode[] }
  | { op: 'not'; term: FilterNode }
  | { op: 'compare'; field: string; comparator: Comparator; value: string; time?: number };

/** Which fields a list call filters on: exact names, time-valued names, and open prefixes (`labels.`). */
export interface FilterFields {
  names: readonly string[];
  times: readonly string[];
  prefixes: readonly string[];
  /** Alternative spellings clients use (`resourceUrl` for `resourceUri`). */
  aliases?: Readonly<Record<string, string>>;
}

type Token = { type: 'word' | 'string' | 'op' | '(' | ')'; text: string; at: number };

const OPERATORS = ['!=', '<=', '>=', '=', '<', '>'] as const;
const WORD_CHAR = /[A-Za-z0-9_.\-*:/@+~]/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i] ?? '';
    if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
      i++;
    } else if (char === '(' || char === ')') {
      tokens.push({ type: char, text: char, at: i });
      i++;
    } else if (char === '"' || char === "'") {
      const start = i;
      let text = '';
      i++;
      for (;;) {
        if (i >= input.length) throw inputError(`filter: unterminated string starting at position ${start}`);
        const c = input[i] ?? '';
        if (c === char) break;
        if (c === '\\') {
          const next = input[i + 1];
          if (next === undefined) throw inputError(`filter: unterminated string starting at position ${start}`);
          text += next;
          i += 2;
        } else {
          text += c;
          i++;
        }
      }
      i++;
      tokens.push({ type: 'string', text, at: start });
    } else {
      const operator = OPERATORS.find((op) => input.startsWith(op, i));
      if (operator !== undefined) {
        tokens.push({ type: 'op', text: operator, at: i });
        i += operator.length;
      } else if (WORD_CHAR.test(char)) {
        const start = i;
        while (i < input.length && WORD_CHAR.test(input[i] ?? '')) i++;
        tokens.push({ type: 'word', text: input.slice(start, i), at: start });
      } else {
        throw inputError(`filter: unexpected character ${JSON.stringify(char)} at position ${i}`);
      }
    }
  }
  return tokens;
}

class Parser {
  readonly #tokens: Token[];
  readonly #fields: FilterFields;
  #position = 0;
  #terms = 0;

  constructor(tokens: Token[], fields: FilterFields) {
    this.#tokens = tokens;
    this.#fields = fields;
  }

  parse(): FilterNode {
    const node = this.#or(0);
    const extra = this.#tokens[this.#position];
    if (extra !== undefined) throw inputError(`filter: unexpected ${JSON.stringify(extra.text.slice(0, 40))} at position ${extra.at}`);
    return node;
  }

  #peek(): Token | undefined {
    return this.#tokens[this.#position];
  }

  #isKeyword(token: Token | undefined, keyword: string): boolean {
    return token?.type === 'word' && token.text === keyword;
  }

  #or(depth: number): FilterNode {
    const terms = [this.#and(depth)];
    while (this.#isKeyword(this.#peek(), 'OR')) {
      this.#position++;
      terms.push(this.#and(depth));
    }
    return terms.length === 1 && terms[0] !== undefined ? terms[0] : { op: 'or', terms };
  }

  #and(depth: number): FilterNode {
    const terms = [this.#unary(depth)];
    for (;;) {
      const next = this.#peek();
      if (next === undefined || next.type === ')' || this.#isKeyword(next, 'OR')) break;
      if (this.#isKeyword(next, 'AND')) this.#position++;
      terms.push(this.#unary(depth));
    }
    return terms.length === 1 && terms[0] !== undefined ? terms[0] : { op: 'and', terms };
  }

  #unary(depth: number): FilterNode {
    if (depth > MAX_FILTER_DEPTH) throw inputError(`filter: nested deeper than ${MAX_FILTER_DEPTH} levels`);
    const token = this.#peek();
    if (token === undefined) throw inputError('filter: expression ends early');
    if (this.#isKeyword(token, 'NOT') || (token.type === 'word' && token.text === '-')) {
      this.#position++;
      return { op: 'not', term: this.#unary(depth + 1) };
    }
    if (token.type === '(') {
      this.#position++;
      const inner = this.#or(depth + 1);
      if (this.#peek()?.type !== ')') throw inputError(`filter: missing ')' for '(' at position ${token.at}`);
      this.#position++;
      return inner;
    }
    return this.#comparison();
  }

  #comparison(): FilterNode {
    const fieldToken = this.#tokens[this.#position++];
    const opToken = this.#tokens[this.#position++];
    const valueToken = this.#tokens[this.#position++];
    if (fieldToken?.type !== 'word') throw inputError(`filter: expected a field name at position ${fieldToken?.at ?? 'end'}`);
    if (opToken?.type !== 'op') throw inputError(`filter: expected a comparison after ${JSON.stringify(fieldToken.text.slice(0, 40))}`);
    if (valueToken === undefined || (valueToken.type !== 'word' && valueToken.type !== 'string')) {
      throw inputError(`filter: expected a value after ${JSON.stringify(`${fieldToken.text.slice(0, 40)} ${opToken.text}`)}`);
    }
    if (++this.#terms > MAX_FILTER_TERMS) throw inputError(`filter: more than ${MAX_FILTER_TERMS} comparisons`);
    const field = this.#field(fieldToken.text);
    const comparator = opToken.text as Comparator;
    if (this.#fields.times.includes(field)) {
      const time = TIMESTAMP.test(valueToken.text) ? Date.parse(valueToken.text) : Number.NaN;
      if (Number.isNaN(time)) throw inputError(`filter: ${field} compares with an RFC 3339 timestamp, got ${JSON.stringify(valueToken.text.slice(0, 40))}`);
      return { op: 'compare', field, comparator, value: valueToken.text, time };
    }
    if (comparator !== '=' && comparator !== '!=') throw inputError(`filter: ${field} takes = or !=, not ${comparator}`);
    return { op: 'compare', field, comparator, value: valueToken.text };
  }

  #field(text: string): string {
    const field = this.#fields.aliases?.[text] ?? text;
    const known = this.#fields.names.includes(field) || this.#fields.times.includes(field) || this.#fields.prefixes.some((prefix) => field.startsWith(prefix) && field.length > prefix.length);
    if (!known) throw inputError(`filter: unknown field ${JSON.stringify(text.slice(0, 40))}; known: ${[...this.#fields.names, ...this.#fields.times, ...this.#fields.prefixes.map((prefix) => `${prefix}*`)].join(', ')}`);
    return field;
  }
}

/** Parses a filter; undefined for an empty one (everything matches). */
export function parseFilter(input: string | undefined, fields: FilterFields): FilterNode | undefined {
  if (input === undefined || input.trim() === '') return undefined;
  if (input.length > MAX_FILTER_LENGTH) throw inputError(`filter: longer than ${MAX_FILTER_LENGTH} characters`);
  return new Parser(tokenize(input), fields).parse();
}

/** Reads one field of the record a filter is applied to; undefined when it has none. */
export type FieldReader = (field: string) => string | undefined;

/** Whether the record satisfies the filter. A missing field equals nothing and differs from everything. */
export function matchesFilter(node: FilterNode | undefined, read: FieldReader): boolean {
  if (node === undefined) return true;
  switch (node.op) {
    case 'and':
      return node.terms.every((term) => matchesFilter(term, read));
    case 'or':
      return node.terms.some((term) => matchesFilter(term, read));
    case 'not':
      return !matchesFilter(node.term, read);
    case 'compare': {
      const actual = read(node.field);
      if (node.time !== undefined) {
        const at = actual === undefined ? Number.NaN : Date.parse(actual);
        if (Number.isNaN(at)) return node.comparator === '!=';
        return compare(at, node.time, node.comparator);
      }
      return node.comparator === '=' ? actual === node.value : actual !== node.value;
    }
  }
}

function compare(a: number, b: number, comparator: Comparator): boolean {
  switch (comparator) {
    case '=':
      return a === b;
    case '!=':
      return a !== b;
    case '<':
      return a < b;
    case '>':
      return a > b;
    case '<=':
      return a <= b;
    case '>=':
      return a >= b;
  }
}
