/**
 * The built-in rule set and the checks every rule must pass before the engine accepts it. Rules are
 * plain data (docs/formats/secret-rules.md); adding one is adding an object to one of these lists.
 */
import { PortcullisError } from '../../core/index.ts';
import type { SecretRule } from '../types.ts';
import { FILE_RULES } from './files.ts';
import { PII_RULES } from './pii.ts';
import { TOKEN_RULES } from './tokens.ts';

export { CONFIG_ENV_PATH } from './files.ts';

/** Every built-in rule, most specific first (that order settles overlapping matches). */
export const BUILTIN_RULES: readonly SecretRule[] = [...TOKEN_RULES, ...FILE_RULES, ...PII_RULES];

const RULE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const ALLOWED_FLAGS = /^[ims]*$/;

/**
 * Throws INTERNAL naming every problem: a rule set is part of Portcullis, so a bad rule is a bug
 * to catch at start, never a silent gap in coverage.
 */
export function validateRules(rules: readonly SecretRule[]): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const name = `rule ${JSON.stringify(rule.id)}`;
    if (!RULE_ID.test(rule.id)) problems.push(`${name}: id must be kebab-case`);
    if (seen.has(rule.id)) problems.push(`${name}: duplicate id`);
    seen.add(rule.id);
    if (rule.keywords.length === 0) problems.push(`${name}: needs at least one keyword`);
    for (const keyword of rule.keywords) {
      if (keyword === '' || keyword !== keyword.toLowerCase()) problems.push(`${name}: keyword ${JSON.stringify(keyword)} must be non-empty lower case`);
    }
    if (!ALLOWED_FLAGS.test(rule.regex.flags)) problems.push(`${name}: regex flags ${rule.regex.flags} (only i, m, s are allowed)`);
    if (rule.regex.test('')) problems.push(`${name}: regex matches the empty string`);
    if (rule.title.trim() === '' || rule.help.trim() === '') problems.push(`${name}: needs a title and help text`);
    if (rule.entropy !== undefined && !(rule.entropy > 0 && rule.entropy < 8)) problems.push(`${name}: entropy must be between 0 and 8 bits`);
  }
  if (problems.length > 0) throw new PortcullisError('INTERNAL', `invalid secret rules:\n  ${problems.join('\n  ')}`);
}

/** The rules to run: secrets always, PII only when asked for. */
export function selectRules(options: { pii?: boolean } = {}): SecretRule[] {
  return BUILTIN_RULES.filter((rule) => rule.category === 'secret' || options.pii === true);
}
