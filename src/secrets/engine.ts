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
}

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
  return { rules: compiled, keywords };
}

/** A finding inside one text, already redacted. */
export interface TextMatch {
  rule: SecretRule;
  /** 0-based offset of the secret in the text. */
  offset: number;
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
  const lower = text.toLowerCase();
  const wanted = new Set<CompiledRule>();
  for (const [keyword, entries] of compiled.keywords) {
    if (entries.every((entry) => wanted.has(entry))) continue;
    if (!lower.includes(keyword)) continue;
    for (const entry of entries) if (entry.rule.paths === undefined || (path !== undefined && entry.rule.paths.test(path))) wanted.add(entry);
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
  }
  if (expired) options.warn(`secret scan stopped after ${options.timeBudgetMs} ms (per-file time budget); findings so far are reported`);
  return located(text, resolveOverlaps(candidates));
}

/** Where matches overlap (one secret found by two rules), the earlier-listed, more specific rule wins. */
function resolveOverlaps(candidates: Candidate[]): Candidate[] {
  const byPriority = [...candidates].sort((a, b) => a.entry.order - b.entry.order || a.start - b.start);
  const kept: Candidate[] = [];
  for (const candidate of byPriority) {
    if (!kept.some((other) => candidate.start < other.end && other.start < candidate.end)) kept.push(candidate);
  }
  return kept.sort((a, b) => a.start - b.start || a.entry.order - b.entry.order);
}

/** Adds 1-based line and column, counting line breaks once across the sorted matches. */
function located(text: string, sorted: readonly Candidate[]): TextMatch[] {
  let line = 1;
  let lineStart = 0;
  return sorted.map((candidate) => {
    for (let at = text.indexOf('\n', lineStart); at !== -1 && at < candidate.start; at = text.indexOf('\n', at + 1)) {
      line += 1;
      lineStart = at + 1;
    }
    return { rule: candidate.entry.rule, offset: candidate.start, line, column: candidate.start - lineStart + 1, redacted: redact(candidate.secret) };
  });
}
