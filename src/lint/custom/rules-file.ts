/**
 * The custom rules file: YAML with a `rules` list, each rule validated field by field. Every problem
 * in the file is collected and reported at once, with the file line and, for CEL errors, the line
 * and column inside the expression: a rule that does not compile is a load error, never a silent pass.
 */
import { isNode, LineCounter, parseDocument } from 'yaml';
import { inputError } from '../../core/index.ts';
import type { CheckDefinition, ComplianceMapping } from '../model.ts';
import type { Severity } from '../../vuln/model.ts';
import { compileCel, positionIn, type RuleScope } from './cel.ts';
import { compileTemplate, type Template } from './template.ts';

export interface CustomRule {
  definition: CheckDefinition;
  /** Kubernetes kinds the rule applies to ('*' for all), or 'Dockerfile'. */
  kinds: string[];
  scope: RuleScope;
  /** Evaluates to true when the rule is VIOLATED. */
  condition: (context: Record<string, unknown>) => unknown;
  message: Template;
  /** Dotted path whose line a Kubernetes finding points at (default: the object, or the container). */
  field?: string[];
  /** Where the rule was defined, for evaluation errors. */
  source: { file: string; line: number };
}

const MAX_RULES_FILE_BYTES = 1024 ** 2;
const RULE_FIELDS = new Set(['id', 'title', 'severity', 'kinds', 'expression', 'message', 'fix', 'description', 'compliance', 'scope', 'field', 'references']);
const SEVERITIES: readonly Severity[] = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'];
const SCOPES: readonly RuleScope[] = ['document', 'containers', 'instructions'];
const COMPLIANCE_KEYS = new Set(['cis-docker', 'cis-k8s', 'nsa-k8s', 'nist-800-190', 'pss']);
const RULE_ID = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;
const KIND = /^(\*|[A-Z][A-Za-z0-9]{0,62})$/;

/** Parses and compiles a rules file; throws one INPUT error listing every problem. */
export function loadCustomRules(file: string, text: string): CustomRule[] {
  if (text.length > MAX_RULES_FILE_BYTES) throw inputError(`${file}: rules file is over ${MAX_RULES_FILE_BYTES} bytes`);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: true });
  const syntax = document.errors[0];
  if (syntax) throw inputError(`${file}:${syntax.linePos?.[0].line ?? 1}: invalid YAML: ${syntax.message.split('\n')[0]}`);
  const lineOf = (path: Array<string | number>): number => {
    for (let length = path.length; length >= 0; length--) {
      const node = document.getIn(path.slice(0, length), true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return 1;
  };

  let root: unknown;
  try {
    root = document.toJS({ maxAliasCount: 50 });
  } catch (error) {
    throw inputError(`${file}: rules file could not be read: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  const rulesValue = (root as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rulesValue)) throw inputError(`${file}:${lineOf(['rules'])}: a rules file needs a top-level 'rules' list`);

  const problems: string[] = [];
  const rules: CustomRule[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of rulesValue.entries()) {
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'string') {
      if (seen.has(id)) problems.push(`${file}:${lineOf(['rules', index, 'id'])}: rule ${id}: duplicate id`);
      seen.add(id);
    }
    const rule = parseRule(file, raw, index, lineOf, (path, message) => problems.push(`${file}:${lineOf(['rules', index, ...path])}: ${message}`));
    if (rule) rules.push(rule);
  }
  if (problems.length > 0) throw inputError(`invalid rules file ${file}:\n  ${problems.join('\n  ')}`);
  return rules;
}

type Problem = (path: Array<string | number>, message: string) => void;

function parseRule(file: string, raw: unknown, index: number, lineOf: (path: Array<string | number>) => number, problem: Problem): CustomRule | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    problem([], `rule #${index + 1} is not a mapping`);
    return undefined;
  }
  const fields = raw as Record<string, unknown>;
  const id = typeof fields.id === 'string' && RULE_ID.test(fields.id) ? fields.id : undefined;
  const name = `rule ${id ?? `#${index + 1}`}`;
  let failures = 0;
  const fail = (field: string, message: string) => {
    failures++;
    problem([field], `${name}: ${message}`);
  };

  for (const key of Object.keys(fields)) if (!RULE_FIELDS.has(key)) fail(key, `unknown field '${key}'`);
  if (id === undefined) fail('id', `id must match ${RULE_ID} (got ${JSON.stringify(fields.id)})`);
  else if (id.startsWith('PC-')) fail('id', 'ids starting with PC- are reserved for built-in checks');
  const title = nonEmptyString(fields.title);
  if (title === undefined) fail('title', 'title must be a non-empty string');
  const fix = nonEmptyString(fields.fix);
  if (fix === undefined) fail('fix', 'fix must be a non-empty string');
  const severity = typeof fields.severity === 'string' ? SEVERITIES.find((level) => level === (fields.severity as string).toUpperCase()) : undefined;
  if (severity === undefined) fail('severity', `severity must be one of ${SEVERITIES.join(', ')}`);
  const kinds = Array.isArray(fields.kinds) && fields.kinds.length > 0 && fields.kinds.every((kind) => typeof kind === 'string' && KIND.test(kind)) ? (fields.kinds as string[]) : undefined;
  if (kinds === undefined) fail('kinds', "kinds must be a non-empty list of kinds ('Deployment', 'Dockerfile', '*')");
  const scope = fields.scope === undefined ? 'document' : SCOPES.find((value) => value === fields.scope);
  if (scope === undefined) fail('scope', `scope must be one of ${SCOPES.join(', ')}`);
  if (kinds?.includes('Dockerfile') && kinds.length > 1) fail('kinds', 'a Dockerfile rule cannot also target Kubernetes kinds');
  if (scope === 'instructions' && !kinds?.includes('Dockerfile')) fail('scope', "scope 'instructions' is only for Dockerfile rules");
  if (scope === 'containers' && kinds?.includes('Dockerfile')) fail('scope', "scope 'containers' is only for Kubernetes rules");
  const compliance = parseCompliance(fields.compliance, (message) => fail('compliance', message));
  const field = fields.field === undefined ? undefined : typeof fields.field === 'string' && /^[A-Za-z0-9_.-]+$/.test(fields.field) ? fields.field.split('.') : null;
  if (field === null) fail('field', 'field must be a dotted path such as spec.replicas');
  const references = fields.references === undefined ? [] : Array.isArray(fields.references) && fields.references.every((item) => typeof item === 'string') ? (fields.references as string[]) : null;
  if (references === null) fail('references', 'references must be a list of URLs');

  const expression = typeof fields.expression === 'string' ? fields.expression : undefined;
  if (expression === undefined) fail('expression', 'expression must be a CEL string');
  let condition: CustomRule['condition'] | undefined;
  if (expression !== undefined && scope !== undefined) {
    const compiled = compileCel(expression, scope);
    if (!compiled.ok) {
      const at = positionIn(expression, compiled.problem.offset);
      fail('expression', `CEL ${compiled.problem.message} at expression line ${at.line} column ${at.column}`);
    } else if (compiled.type !== 'bool' && compiled.type !== 'dyn') {
      fail('expression', `CEL expression must yield a bool (true when violated), not ${compiled.type}`);
    } else {
      condition = compiled.program;
    }
  }
  const messageText = fields.message === undefined ? title : nonEmptyString(fields.message);
  let message: Template | undefined;
  if (messageText === undefined) fail('message', 'message must be a non-empty string');
  else if (scope !== undefined) {
    const compiled = compileTemplate(messageText, scope);
    if (typeof compiled === 'string') fail('message', compiled);
    else message = compiled;
  }

  if (failures > 0 || !id || !title || !fix || !severity || !kinds || !scope || !condition || !message || compliance === undefined || field === null || references === null) return undefined;
  const description = nonEmptyString(fields.description) ?? title;
  const definition: CheckDefinition = { id, title, severity, description, fix, kind: kinds.includes('Dockerfile') ? 'dockerfile' : 'kubernetes', compliance };
  if (references.length > 0) definition.references = references;
  const rule: CustomRule = { definition, kinds, scope, condition, message, source: { file, line: lineOf(['rules', index]) } };
  if (field) rule.field = field;
  return rule;
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

function parseCompliance(value: unknown, fail: (message: string) => void): ComplianceMapping | undefined {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('compliance must be a mapping of framework to control ids');
    return undefined;
  }
  const mapping: Record<string, string[]> = {};
  for (const [key, ids] of Object.entries(value)) {
    if (!COMPLIANCE_KEYS.has(key)) {
      fail(`unknown compliance framework '${key}' (known: ${[...COMPLIANCE_KEYS].join(', ')})`);
      return undefined;
    }
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
      fail(`compliance.${key} must be a list of strings`);
      return undefined;
    }
    if (key === 'pss' && !ids.every((id) => id === 'baseline' || id === 'restricted')) {
      fail('compliance.pss lists only baseline and restricted');
      return undefined;
    }
    mapping[key] = ids as string[];
  }
  return mapping as ComplianceMapping;
}
