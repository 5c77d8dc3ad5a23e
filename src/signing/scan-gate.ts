/**
 * The scan gate of `portcullis sign --require-scan RULE`: a rule a vulnerability scan must meet
 * before an image may be signed. The rule language is deliberately tiny, so a rule reads as what it
 * means and a typo is an error rather than a rule that silently permits everything:
 *
 *   rule   = clause *( "," clause )
 *   clause = "no" LEVEL [ "with" "fix" ]          no finding at LEVEL (with a fixed version)
 *          | "max" N LEVEL [ "with" "fix" ]       at most N findings at LEVEL (with a fixed version)
 *   LEVEL  = CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN      (any case; exactly that level)
 *   N      = decimal integer, 0 to 1000000
 *
 * e.g. "no CRITICAL, no HIGH with fix, max 10 MEDIUM". The same rule can live in a YAML policy file
 * (`requireScan:` as one string or a list of clauses; docs/commands/sign.md).
 *
 * Findings come in as a small structural shape so signing stays independent of the scan module.
 */
import { PortcullisError, type ErrorCode } from '../core/index.ts';

export const GATE_LEVELS = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'UNKNOWN'] as const;
export type GateLevel = (typeof GATE_LEVELS)[number];

/** One clause: "no" is "max 0", kept apart only to print the rule as it was written. */
export interface ScanClause {
  kind: 'no' | 'max';
  limit: number;
  level: GateLevel;
  withFix: boolean;
  /** The clause in canonical spelling, e.g. "no HIGH with fix". */
  text: string;
}

export interface ScanRule {
  clauses: ScanClause[];
}

/** What the gate needs to know about a finding. */
export interface GateFinding {
  id: string;
  severity: string;
  /** The version that fixes it, when one exists ("with fix" counts only these). */
  fixedVersion?: string;
  /** "name@version", for messages. */
  package: string;
}

export interface ClauseViolation {
  clause: ScanClause;
  /** Every finding the clause counts (more than its limit). */
  findings: GateFinding[];
}

const MAX_LIMIT = 1_000_000;
const MAX_RULE_CHARS = 4096;

interface Token {
  text: string;
  /** 1-based column in the rule text. */
  column: number;
}

function tokenize(rule: string): Token[] {
  return [...rule.matchAll(/,|[^\s,]+/g)].map((match) => ({ text: match[0], column: match.index + 1 }));
}

/**
 * Parses a rule; `where` names its origin in messages ("--require-scan", "policy.yaml requireScan[1]")
 * and `code` is USAGE for a command-line rule, INPUT for one read from a file.
 */
export function parseScanRule(rule: string, where = '--require-scan', code: ErrorCode = 'USAGE'): ScanRule {
  const fail = (column: number, message: string) => new PortcullisError(code, `${where}: column ${column}: ${message}`);
  if (rule.length > MAX_RULE_CHARS) throw new PortcullisError('LIMIT', `${where}: the rule is longer than ${MAX_RULE_CHARS} characters`);
  const tokens = tokenize(rule);
  const end = rule.length + 1;
  let index = 0;
  const next = (expected: string): Token => {
    const token = tokens[index++];
    if (token === undefined) throw fail(end, `expected ${expected}, got the end of the rule`);
    return token;
  };
  const quoted = (token: Token) => JSON.stringify(token.text.slice(0, 40));

  const clauses: ScanClause[] = [];
  for (;;) {
    const verb = next("a clause ('no LEVEL' or 'max N LEVEL')");
    const kind = verb.text.toLowerCase();
    if (kind !== 'no' && kind !== 'max') throw fail(verb.column, `expected 'no' or 'max', got ${quoted(verb)}`);
    let limit = 0;
    if (kind === 'max') {
      const count = next('a count');
      if (!/^\d{1,7}$/.test(count.text) || Number(count.text) > MAX_LIMIT) throw fail(count.column, `expected a count from 0 to ${MAX_LIMIT}, got ${quoted(count)}`);
      limit = Number(count.text);
    }
    const levelToken = next(`a level (${GATE_LEVELS.join(', ')})`);
    const level = GATE_LEVELS.find((candidate) => candidate === levelToken.text.toUpperCase());
    if (level === undefined) throw fail(levelToken.column, `expected a level (${GATE_LEVELS.join(', ')}), got ${quoted(levelToken)}`);
    let withFix = false;
    if (tokens[index]?.text.toLowerCase() === 'with') {
      index++;
      const fix = next("'fix'");
      if (fix.text.toLowerCase() !== 'fix') throw fail(fix.column, `expected 'fix' after 'with', got ${quoted(fix)}`);
      withFix = true;
    }
    const text = `${kind === 'no' ? 'no' : `max ${limit}`} ${level}${withFix ? ' with fix' : ''}`;
    clauses.push({ kind, limit, level, withFix, text });
    const separator = tokens[index++];
    if (separator === undefined) return { clauses };
    if (separator.text !== ',') throw fail(separator.column, `expected ',' or the end of the rule, got ${quoted(separator)}`);
  }
}

/** The rule in canonical spelling. */
export function formatScanRule(rule: ScanRule): string {
  return rule.clauses.map((clause) => clause.text).join(', ');
}

/** Every clause the findings break, with the findings it counts; empty when the rule is met. */
export function evaluateScanRule(rule: ScanRule, findings: readonly GateFinding[]): ClauseViolation[] {
  const violations: ClauseViolation[] = [];
  for (const clause of rule.clauses) {
    const counted = findings.filter((finding) => finding.severity === clause.level && (!clause.withFix || finding.fixedVersion !== undefined));
    if (counted.length > clause.limit) violations.push({ clause, findings: counted });
  }
  return violations;
}
