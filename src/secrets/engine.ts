/**
 * The matching engine: rules compiled once, then per text a keyword prefilter, the regexes of the
 * rules whose keywords occur, entropy and structural checks, suppressions, and overlap resolution.
 * Pure apart from the clock (the per-file time budget).
 */
import { PortcullisError } from '../core/index.ts';
import { type AllowList, suppression } from './allow.ts';
import { passesCheck, shannonEntropy } from './checks.ts';
import { redact } from './redact.ts';
import { validateRules } from './rules/index.ts';
import type { SecretRule } from './types.ts';

interface CompiledRule {
  rule: SecretRule;
  /** Position in the rule list: where two matches overlap, the lower one wins. */
  order: number;
  /** The rule's regex with `g` (iterate) and `d` (group offsets) added. */
  regex: RegExp;
}

export interface CompiledRules {
  rules: readonly CompiledRule[];
  /** Each distinct keyword and the rules it enables. */
  keywords: ReadonlyMap<string, readonly CompiledRule[]>;
  /**
   * Every keyword longer than one character in one alternation, longest first: one pass over the
   * text finds them all, several times faster than one `includes` per keyword.
   */
  keywordPattern: RegExp | undefined;
  /** Keywords found inside each longer keyword (`_auth` in `_authtoken`): present whenever it is. */
  contained: ReadonlyMap<string, readonly string[]>;
  /** One-character keywords (`@`, digits): `includes` stops at the first, cheaper than matching each. */
  singleChars: readonly string[];
}

/** A hostile file full of matches must not grow the report without bound. */
export const MAX_MATCHES_PER_TEXT = 1000;

export function compileRules(rules: readonly SecretRule[]): CompiledRules {
  validateRules(rules);
  const compiled = rules.map((rule, order) => ({ rule, order, regex: new RegExp(rule.regex.source, `${rule.regex.flags}gd`) }));
  const keywords = new Map<string, CompiledRule[]>();
  for (const entry of compiled) {
    for (const keyword of new Set(entry.rule.keywords)) {
      const list = keywords.get(keyword) ?? [];
      list.push(entry);
      keywords.set(keyword, list);
    }
  }
  const long = [...keywords.keys()].filter((keyword) => keyword.length > 1).sort((a, b) => b.length - a.length);
  const escape = (keyword: string) => keyword.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return {
    rules: compiled,
    keywords,
    keywordPattern: long.length === 0 ? undefined : new RegExp(long.map(escape).join('|'), 'g'),
    contained: new Map(long.map((keyword) => [keyword, long.filter((other) => other !== keyword && keyword.includes(other))])),
    singleChars: [...keywords.keys()].filter((keyword) => keyword.length === 1),
  };
}

/** The keywords that occur in `lower` (the text in lower case). */
function keywordsIn(lower: string, compiled: CompiledRules): Set<string> {
  const found = new Set<string>();
  for (const char of compiled.singleChars) if (lower.includes(char)) found.add(char);
  const pattern = compiled.keywordPattern;
  if (pattern === undefined) return found;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(lower); match !== null; match = pattern.exec(lower)) {
    if (!found.has(match[0])) {
      found.add(match[0]);
      for (const inner of compiled.contained.get(match[0]) ?? []) found.add(inner);
    }
    // Step one character, not past the match, so a keyword starting inside this one is seen too.
    pattern.lastIndex = match.index + 1;
  }
  return found;
}

/** A finding inside one text, already redacted. */
export interface TextMatch {
  rule: SecretRule;
  /** 0-based offsets of the secret in the text: [offset, end). */
  offset: number;
  end: number;
  line: number;
  column: number;
  redacted: string;
}

export interface TextScanOptions {
  allow: AllowList;
  /** Time after which the scan of this text stops with a warning. */
  timeBudgetMs: number;
  warn(message: string): void;
  /** Counts a match dropped by a suppression. */
  onSuppressed(): void;
}

interface Candidate {
  entry: CompiledRule;
  start: number;
  end: number;
  secret: string;
}

/** The rules worth running on `text`: those with a keyword that occurs in it (case-insensitively). */
function rulesFor(text: string, path: string | undefined, compiled: CompiledRules): CompiledRule[] {
  const wanted = new Set<CompiledRule>();
  for (const keyword of keywordsIn(text.toLowerCase(), compiled)) {
    for (const entry of compiled.keywords.get(keyword) ?? []) {
      if (entry.rule.paths === undefined || (path !== undefined && entry.rule.paths.test(path))) wanted.add(entry);
    }
  }
  return [...wanted].sort((a, b) => a.order - b.order);
}

/** Leading whitespace and `\n` escapes are layout (a PEM body's first line break), not the secret. */
function trimLayout(text: string, start: number, end: number): [number, number] {
  let from = start;
  let to = end;
  for (;;) {
    if (from < to && /\s/.test(text[from]!)) from += 1;
    else if (text.startsWith('\\n', from) && from + 2 <= to) from += 2;
    else break;
  }
  for (;;) {
    if (to > from && /\s/.test(text[to - 1]!)) to -= 1;
    else if (to - 2 >= from && text.startsWith('\\n', to - 2)) to -= 2;
    else break;
  }
  return [from, to];
}

function accepted(entry: CompiledRule, secret: string, text: string, path: string | undefined, options: TextScanOptions, requiresCache: Map<RegExp, boolean>): boolean {
  const { rule } = entry;
  if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return false;
  if (rule.check !== undefined && !passesCheck(rule.check, secret)) return false;
  if (rule.requires !== undefined) {
    let present = requiresCache.get(rule.requires);
    if (present === undefined) {
      present = rule.requires.test(text);
      requiresCache.set(rule.requires, present);
    }
    if (!present) return false;
  }
  if (suppression(rule, path, secret, options.allow) !== undefined) {
    options.onSuppressed();
    return false;
  }
  return true;
}

/**
 * Scans one text (a file decoded as latin1, so offsets are byte offsets and invalid UTF-8 cannot
 * fail). `path` selects path-bound rules and feeds path suppressions; undefined for texts that are
 * not files.
 */
export function scanText(text: string, path: string | undefined, compiled: CompiledRules, options: TextScanOptions): TextMatch[] {
  const deadline = performance.now() + options.timeBudgetMs;
  const candidates: Candidate[] = [];
  const requiresCache = new Map<RegExp, boolean>();
  let expired = false;
  rules: for (const entry of rulesFor(text, path, compiled)) {
    const { regex } = entry;
    regex.lastIndex = 0;
    for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
      const span = match.indices?.groups?.['secret'] ?? match.indices?.[0];
      if (span === undefined) throw new PortcullisError('INTERNAL', `rule ${entry.rule.id}: match without offsets`);
      const [start, end] = trimLayout(text, span[0], span[1]);
      const secret = text.slice(start, end);
      if (secret !== '' && accepted(entry, secret, text, path, options, requiresCache)) candidates.push({ entry, start, end, secret });
      if (performance.now() > deadline) {
        expired = true;
        break rules;
      }
    }
    if (performance.now() > deadline) {
      expired = true;
      break;
    }
  }
  if (expired) options.warn(`secret scan stopped after ${options.timeBudgetMs} ms (per-file time budget); findings so far are reported`);
  const resolved = resolveOverlaps(candidates);
  if (resolved.length > MAX_MATCHES_PER_TEXT) {
    options.warn(`${resolved.length} findings in one file; only the first ${MAX_MATCHES_PER_TEXT} are reported`);
    resolved.length = MAX_MATCHES_PER_TEXT;
  }
  return located(text, resolved);
}

/**
 * Where matches overlap (one secret found by two rules), the earlier-listed, more specific rule
 * wins. Matches are swept in order of position and only those in one overlapping cluster are
 * compared, so a file with many findings costs O(n log n), not O(n²).
 */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  const sorted = [...candidates].sort((a, b) => a.start - b.start || a.entry.order - b.entry.order);
  const kept: Candidate[] = [];
  let cluster: Candidate[] = [];
  let clusterEnd = -1;
  const settle = () => {
    const winners: Candidate[] = [];
    for (const candidate of [...cluster].sort((a, b) => a.entry.order - b.entry.order || a.start - b.start)) {
      if (!winners.some((other) => candidate.start < other.end && other.start < candidate.end)) winners.push(candidate);
    }
    kept.push(...winners.sort((a, b) => a.start - b.start || a.entry.order - b.entry.order));
  };
  for (const candidate of sorted) {
    if (candidate.start >= clusterEnd && cluster.length > 0) {
      settle();
      cluster = [];
    }
    cluster.push(candidate);
    clusterEnd = Math.max(clusterEnd, candidate.end);
  }
  if (cluster.length > 0) settle();
  return kept;
}

/** Adds 1-based line and column, counting line breaks once across the sorted matches. */
function located(text: string, sorted: readonly Candidate[]): TextMatch[] {
  let line = 1;
  let lineStart = 0;
  // The next line break not yet counted, remembered so a long line is searched once, not per match.
  let nextBreak = text.indexOf('\n');
  return sorted.map((candidate) => {
    while (nextBreak !== -1 && nextBreak < candidate.start) {
      line += 1;
      lineStart = nextBreak + 1;
      nextBreak = text.indexOf('\n', lineStart);
    }
    return { rule: candidate.entry.rule, offset: candidate.start, end: candidate.end, line, column: candidate.start - lineStart + 1, redacted: redact(candidate.secret) };
  });
}
