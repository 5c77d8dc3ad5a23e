/**
 * What is not reported: the built-in suppressions of known false positives (documentation example
 * keys, placeholders, test fixtures of vendored libraries) and the user's allow-list file.
 *
 * Allow-list file (YAML, every key optional):
 *
 *   rules: [jwt, pii-email]          # rule ids never reported
 *   paths: ["srv/fixtures/**"]       # globs on the path relative to the root
 *   values: ["^sk_live_0{24}$"]      # regexes on the secret itself
 */
import { readFile } from 'node:fs/promises';
import { matchesGlob } from 'node:path/posix';
import { parse as parseYaml } from 'yaml';
import { PortcullisError, inputError } from '../core/index.ts';
import type { SecretRule } from './types.ts';

export interface AllowList {
  rules: ReadonlySet<string>;
  paths: readonly string[];
  values: readonly RegExp[];
}

export const EMPTY_ALLOW_LIST: AllowList = { rules: new Set(), paths: [], values: [] };

/** Keys and tokens printed in vendors' documentation and tutorials. */
const DOCUMENTATION_VALUES: ReadonlySet<string> = new Set([
  'AKIAIOSFODNN7EXAMPLE',
  'AKIAI44QH8DHBEXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
  // The Azure Storage emulator's (Azurite's) published account key.
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==',
  // jwt.io's sample token.
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
]);

/**
 * Values that stand for a secret rather than being one: repeated characters, template references
 * (`${VAR}`, `{{ .Token }}`, `<your-token>`, `%(password)s`), and the words people type as filler.
 */
const PLACEHOLDERS: readonly RegExp[] = [
  /^(.)\1{2,}$/,
  /x{4,}|\*{3,}|\.{3}|_{4,}/i,
  /^[$%<{[(]|[$]\{|\{\{|%\(|\$\(/,
  /example|sample|dummy|placeholder|redacted|changeme|change[_-]me|your[_-]?(?:own[_-]?)?(?:password|secret|token|key|api)|insert[_-]?(?:your|here)|fake|fixme|todo/i,
  /^(?:password|passwd|pass|pwd|secret|token|test|testing|admin|user|username|root|guest|foo|bar|baz|qwerty|letmein|none|null|undefined|string|value|mysecret|mypassword|s3cr3t|p@ssw0rd|p@ss|p%40ss|passw0rd)$/i,
];

/** Test and example trees inside third-party packages: fixtures there are not this image's secrets. */
const VENDORED_FIXTURES =
  /(?:^|\/)(?:node_modules|site-packages|dist-packages|vendor|gems|\.cargo\/registry|go\/pkg\/mod)\/(?:[^/]+\/)*?(?:tests?|__tests__|spec|specs|examples?|fixtures?|testdata|test_data|docs?|samples?)\//;

/** Why a finding is dropped before it is reported, or undefined when it stands. */
export function suppression(rule: SecretRule, path: string | undefined, secret: string, allow: AllowList): string | undefined {
  if (DOCUMENTATION_VALUES.has(secret)) return 'documentation example';
  if (PLACEHOLDERS.some((pattern) => pattern.test(secret))) return 'placeholder';
  if (rule.allow?.values?.some((pattern) => pattern.test(secret))) return 'rule allow-list';
  if (allow.rules.has(rule.id)) return 'allow-list rule';
  if (allow.values.some((pattern) => pattern.test(secret))) return 'allow-list value';
  if (path !== undefined) {
    if (VENDORED_FIXTURES.test(path)) return 'vendored test fixture';
    if (rule.allow?.paths?.some((pattern) => pattern.test(path))) return 'rule allow-list';
    if (allow.paths.some((glob) => matchesGlob(path, glob))) return 'allow-list path';
  }
  return undefined;
}

const MAX_ALLOW_LIST_BYTES = 1024 * 1024;
const MAX_PATTERN_LENGTH = 1000;

/** Reads and validates an allow-list file; every bad field is named in one INPUT error. */
export async function loadAllowList(file: string): Promise<AllowList> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new PortcullisError('NOT_FOUND', `cannot read allow-list ${file}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
  return parseAllowList(text, file);
}

export function parseAllowList(text: string, what: string): AllowList {
  if (text.length > MAX_ALLOW_LIST_BYTES) throw inputError(`${what}: allow-list is larger than ${MAX_ALLOW_LIST_BYTES} bytes`);
  let document: unknown;
  try {
    document = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    throw inputError(`${what}: not valid YAML: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  if (document === null || document === undefined) return EMPTY_ALLOW_LIST;
  if (typeof document !== 'object' || Array.isArray(document)) throw inputError(`${what}: the allow-list must be a mapping with rules, paths and values`);
  const problems: string[] = [];
  const record = document as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!['rules', 'paths', 'values'].includes(key)) problems.push(`unknown key ${JSON.stringify(key)}`);
  const strings = (key: string): string[] => {
    const value = record[key];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) {
      problems.push(`${key} must be a list of strings`);
      return [];
    }
    return value.filter((item, index) => {
      const ok = typeof item === 'string' && item !== '' && item.length <= MAX_PATTERN_LENGTH;
      if (!ok) problems.push(`${key}[${index}] must be a non-empty string of at most ${MAX_PATTERN_LENGTH} characters`);
      return ok;
    }) as string[];
  };
  const rules = strings('rules');
  const paths = strings('paths');
  const values: RegExp[] = [];
  strings('values').forEach((source, index) => {
    try {
      values.push(new RegExp(source));
    } catch (error) {
      problems.push(`values[${index}] is not a valid regular expression: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  if (problems.length > 0) throw inputError(`${what}: invalid allow-list: ${problems.join('; ')}`);
  return { rules: new Set(rules), paths, values };
}
