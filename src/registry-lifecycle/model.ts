/**
 * The lifecycle rules of a project and their validation. Rules arrive as API bodies from project
 * maintainers, so every field is checked here and every bad field reported at once ("parse, don't
 * trust"); unknown fields are refused rather than ignored, because a misspelt keep rule that is
 * silently dropped would delete what its author meant to keep.
 *
 * Repository patterns are relative to the project (`**`, `app`, `web/*`) and use the robot-scope
 * grammar (src/auth/repository-pattern.ts); tag patterns are tags with `*` wildcards (`v*`,
 * `release-*`).
 */
import { validateRepositoryPattern } from '../auth/index.ts';
import { PortcullisError, inputError } from '../core/index.ts';
import { parseLabel } from '../registry-policy/index.ts';

/** Pushing a different manifest to a matching existing tag, or deleting it, is refused. */
export interface ImmutabilityRule {
  repositories: string;
  tags: string;
}

/** One way an artifact in a matching repository is kept; anything no rule keeps is deleted. */
export type RetentionRule =
  | { keep: 'latest'; repositories: string; count: number }
  | { keep: 'pushedWithin'; repositories: string; days: number }
  | { keep: 'label'; repositories: string; label: string; value?: string }
  | { keep: 'tags'; repositories: string; tags: string };

export const MAX_RULES = 100;
export const MAX_KEEP_COUNT = 100_000;
/** Ten years: longer keeps everything, which is no rule at all. */
export const MAX_KEEP_DAYS = 3650;

const TAG_PATTERN = /^[A-Za-z0-9_.*-]{1,128}$/;

function shown(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

/** Collects every problem of a body before failing, so one answer lists them all. */
class Problems {
  readonly #list: string[] = [];

  add(path: string, message: string): void {
    if (this.#list.length < 20) this.#list.push(`${path}: ${message}`);
  }

  throwIfAny(what: string): void {
    if (this.#list.length > 0) throw inputError(`invalid ${what}: ${this.#list.join('; ')}`);
  }
}

export function validateTagPattern(pattern: unknown): string {
  if (typeof pattern !== 'string' || !TAG_PATTERN.test(pattern) || /\*{3,}/.test(pattern)) {
    throw inputError(`invalid tag pattern ${shown(pattern)}: tag characters (A-Z a-z 0-9 _ . -) with * wildcards, at most 128`);
  }
  return pattern;
}

/** A tag pattern as a regular expression: `*` (and `**`) match any run of tag characters. */
export function compileTagPattern(pattern: string): RegExp {
  const body = validateTagPattern(pattern)
    .split(/\*+/)
    .map((part) => part.replace(/\./g, '\\.'))
    .join('.*');
  return new RegExp(`^${body}$`);
}

function patternField(object: Record<string, unknown>, field: string, path: string, problems: Problems, validate: (value: string) => unknown): string {
  const value = object[field];
  try {
    if (typeof value !== 'string') throw new PortcullisError('INPUT', 'must be a pattern string');
    validate(value);
    return value;
  } catch (error) {
    problems.add(`${path}.${field}`, (error as Error).message);
    return '';
  }
}

function wholeNumber(object: Record<string, unknown>, field: string, path: string, problems: Problems, max: number): number {
  const value = object[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    problems.add(`${path}.${field}`, `must be a whole number from 1 to ${max}, got ${shown(value)}`);
    return 0;
  }
  return value;
}

function checkFields(object: Record<string, unknown>, allowed: readonly string[], path: string, problems: Problems): void {
  for (const key of Object.keys(object)) if (!allowed.includes(key)) problems.add(`${path}.${key}`, 'unknown field');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The `rules` array of a body: an array of objects, at most MAX_RULES. */
function ruleObjects(body: unknown, what: string): Array<Record<string, unknown>> {
  if (!isObject(body)) throw inputError(`${what} must be a JSON object with a "rules" array`);
  const unknown = Object.keys(body).filter((key) => key !== 'rules');
  if (unknown.length > 0) throw inputError(`invalid ${what}: unknown field ${shown(unknown[0])}`);
  const rules = body.rules;
  if (!Array.isArray(rules)) throw inputError(`invalid ${what}: rules must be an array`);
  if (rules.length > MAX_RULES) throw inputError(`invalid ${what}: at most ${MAX_RULES} rules, got ${rules.length}`);
  return rules.map((rule, index) => {
    if (!isObject(rule)) throw inputError(`invalid ${what}: rules[${index}] must be an object`);
    return rule;
  });
}

/** `{"rules": [{"repositories": "**", "tags": "v*"}]}` */
export function parseImmutabilityRules(body: unknown): ImmutabilityRule[] {
  const problems = new Problems();
  const rules = ruleObjects(body, 'immutability rules').map((rule, index) => {
    const path = `rules[${index}]`;
    checkFields(rule, ['repositories', 'tags'], path, problems);
    return {
      repositories: patternField(rule, 'repositories', path, problems, validateRepositoryPattern),
      tags: patternField(rule, 'tags', path, problems, validateTagPattern),
    };
  });
  problems.throwIfAny('immutability rules');
  return rules;
}

function parseRetentionRule(rule: Record<string, unknown>, path: string, problems: Problems): RetentionRule | undefined {
  const repositories = patternField(rule, 'repositories', path, problems, validateRepositoryPattern);
  switch (rule.keep) {
    case 'latest':
      checkFields(rule, ['keep', 'repositories', 'count'], path, problems);
      return { keep: 'latest', repositories, count: wholeNumber(rule, 'count', path, problems, MAX_KEEP_COUNT) };
    case 'pushedWithin':
      checkFields(rule, ['keep', 'repositories', 'days'], path, problems);
      return { keep: 'pushedWithin', repositories, days: wholeNumber(rule, 'days', path, problems, MAX_KEEP_DAYS) };
    case 'label': {
      checkFields(rule, ['keep', 'repositories', 'label', 'value'], path, problems);
      try {
        const [label, value] = parseLabel(rule.label, rule.value ?? '');
        return { keep: 'label', repositories, label, ...(rule.value !== undefined && { value }) };
      } catch (error) {
        problems.add(`${path}.label`, (error as Error).message);
        return undefined;
      }
    }
    case 'tags':
      checkFields(rule, ['keep', 'repositories', 'tags'], path, problems);
      return { keep: 'tags', repositories, tags: patternField(rule, 'tags', path, problems, validateTagPattern) };
    default:
      problems.add(`${path}.keep`, `must be one of latest, pushedWithin, label, tags; got ${shown(rule.keep)}`);
      return undefined;
  }
}

/** `{"rules": [{"keep": "latest", "repositories": "**", "count": 10}, ...]}` */
export function parseRetentionRules(body: unknown): RetentionRule[] {
  const problems = new Problems();
  const rules = ruleObjects(body, 'retention rules').map((rule, index) => parseRetentionRule(rule, `rules[${index}]`, problems));
  problems.throwIfAny('retention rules');
  return rules.filter((rule): rule is RetentionRule => rule !== undefined);
}

/** How a rule is named in refusals, plans and the audit log. */
export function describeImmutabilityRule(rule: ImmutabilityRule): string {
  return `repositories ${JSON.stringify(rule.repositories)} tags ${JSON.stringify(rule.tags)}`;
}

export function describeRetentionRule(rule: RetentionRule): string {
  const where = `in ${JSON.stringify(rule.repositories)}`;
  switch (rule.keep) {
    case 'latest':
      return `keep the latest ${rule.count} pushed ${where}`;
    case 'pushedWithin':
      return `keep pushed within ${rule.days} days ${where}`;
    case 'label':
      return `keep labelled ${rule.label}${rule.value === undefined ? '' : `=${rule.value}`} ${where}`;
    case 'tags':
      return `keep tags ${JSON.stringify(rule.tags)} ${where}`;
  }
}
