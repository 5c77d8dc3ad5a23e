/**
 * The CEL side of custom rules: one environment per rule scope with the variables a rule may read,
 * compilation that turns syntax and type errors into positions, and the conversion of plain manifest
 * data into CEL values (whole numbers become CEL ints, as Kubernetes' own CEL does).
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';

/** What a rule's expression is evaluated against: the whole document, or each container / instruction. */
export type RuleScope = 'document' | 'containers' | 'instructions';

/** Bounds on what a rule may be: CEL is not Turing-complete, but a giant AST still costs time. */
const LIMITS = { maxAstNodes: 5000, maxDepth: 100, maxListElements: 1000, maxMapEntries: 1000, maxCallArguments: 32 };
export const MAX_EXPRESSION_LENGTH = 10_000;

/** Variables every rule sees, and the one its scope adds. Documented in docs/formats/custom-rules.md. */
const DOCUMENT_VARIABLES: Array<[string, string]> = [
  ['object', 'map'],
  ['kind', 'string'],
  ['name', 'string'],
  ['podSpec', 'map'],
  ['containers', 'list'],
];
const SCOPE_VARIABLES: Record<RuleScope, Array<[string, string]>> = {
  document: [],
  containers: [['container', 'map']],
  instructions: [['instruction', 'map']],
};

const environments = new Map<RuleScope, Environment>();

/** A CEL environment with Portcullis' options and limits and the given variables (name, CEL type). */
export function createCelEnvironment(variables: ReadonlyArray<readonly [string, string]>): Environment {
  const environment = new Environment({ unlistedVariablesAreDyn: false, enableOptionalTypes: true, homogeneousAggregateLiterals: false, limits: LIMITS });
  for (const [name, type] of variables) environment.registerVariable(name, type);
  return environment;
}

function environmentFor(scope: RuleScope): Environment {
  let environment = environments.get(scope);
  if (!environment) {
    environment = createCelEnvironment([...DOCUMENT_VARIABLES, ...SCOPE_VARIABLES[scope]]);
    environments.set(scope, environment);
  }
  return environment;
}

export interface CompileProblem {
  /** 0-based offset into the expression. */
  offset: number;
  message: string;
}

export type Compiled = { ok: true; program: ParseResult; type: string } | { ok: false; problem: CompileProblem };

/** Parses and type-checks an expression; never throws for bad input. */
export function compileCel(expression: string, scope: RuleScope): Compiled {
  return compileCelIn(environmentFor(scope), expression);
}

/** Parses and type-checks an expression in a given environment; never throws for bad input. */
export function compileCelIn(environment: Environment, expression: string): Compiled {
  if (expression.length > MAX_EXPRESSION_LENGTH) return { ok: false, problem: { offset: 0, message: `expression is longer than ${MAX_EXPRESSION_LENGTH} characters` } };
  let program: ParseResult;
  try {
    program = environment.parse(expression);
  } catch (error) {
    return { ok: false, problem: problemOf(error, 'syntax error') };
  }
  const checked = program.check();
  if (!checked.valid) return { ok: false, problem: problemOf(checked.error, 'type error') };
  return { ok: true, program, type: checked.type ?? 'dyn' };
}

function problemOf(error: unknown, what: string): CompileProblem {
  const details = error as { summary?: unknown; message?: unknown; range?: { start?: unknown } } | undefined;
  const summary = typeof details?.summary === 'string' ? details.summary : typeof details?.message === 'string' ? (details.message.split('\n')[0] ?? '') : String(error);
  const offset = typeof details?.range?.start === 'number' ? details.range.start : 0;
  return { offset, message: `${what}: ${summary}` };
}

/** 1-based line and column of an offset inside an expression. */
export function positionIn(expression: string, offset: number): { line: number; column: number } {
  const before = expression.slice(0, offset);
  const lines = before.split('\n');
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/** Plain data (from YAML or JSON) as CEL values: safe integers become bigint ints, maps stay own-keyed. */
export function toCelValue(value: unknown): unknown {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCelValue);
  if (value instanceof Date) return value.toISOString(); // YAML timestamps: compare as strings
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toCelValue(item)]));
  }
  return value;
}

/** A CEL result as message text. */
export function celToText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'bigint' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  try {
    return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? Number(item) : item));
  } catch {
    return String(value);
  }
}
