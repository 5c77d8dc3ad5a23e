/**
 * CEL rules of a policy: `expression` is evaluated over the PolicyInput and must yield true for the
 * image to pass (as in Kubernetes ValidatingAdmissionPolicy). Programs compile once, at load; a
 * rule that fails to compile is a load error, and one that fails at run time (a missing field, a
 * type mismatch) or yields a non-bool is a violation, never an allow.
 *
 * The environment shares the options and limits of custom lint rules (src/lint/custom/cel.ts).
 */
import type { Environment, ParseResult } from '@marcbachmann/cel-js';
import { inputError } from '../core/index.ts';
import { celToText, compileCelIn, createCelEnvironment, positionIn } from '../lint/custom/index.ts';
import type { PolicyInput } from './types.ts';

/** The variables a rule may read: the whole input, and each top-level field by its own name. */
const POLICY_VARIABLES: ReadonlyArray<readonly [string, string]> = [
  ['input', 'map'],
  ['action', 'string'],
  ['image', 'map'],
  ['labels', 'map'],
  ['signatures', 'list'],
  ['attestations', 'list'],
  ['scan', 'map'],
  ['deployment', 'map'],
  ['now', 'string'],
];

let environment: Environment | undefined;

export interface CelRuleProgram {
  name: string;
  expression: string;
  message: string;
  severity: 'deny' | 'warn';
  program: ParseResult;
}

/** Compiles a rule; `where` locates the expression for messages ("policy.yaml:12:17"). */
export function compileCelRule(rule: { name: string; expression: string; message?: string; severity?: 'deny' | 'warn' }, where: (line: number, column: number) => string): CelRuleProgram {
  environment ??= createCelEnvironment(POLICY_VARIABLES);
  const compiled = compileCelIn(environment, rule.expression);
  if (!compiled.ok) {
    const { line, column } = positionIn(rule.expression, compiled.problem.offset);
    throw inputError(`${where(line, column)}: rule ${rule.name}: ${compiled.problem.message}`);
  }
  if (compiled.type !== 'bool' && compiled.type !== 'dyn') {
    throw inputError(`${where(1, 1)}: rule ${rule.name}: the expression yields ${compiled.type}, not a bool`);
  }
  return {
    name: rule.name,
    expression: rule.expression,
    message: rule.message ?? `rule ${rule.name} is not met: ${rule.expression.slice(0, 200)}`,
    severity: rule.severity ?? 'deny',
    program: compiled.program,
  };
}

/**
 * The CEL variables of an input; built once per decision and shared by every rule of every layer.
 * A PolicyInput holds only strings, booleans, lists and maps, so it is already a CEL value: the
 * generic conversion (toCelValue, for numbers from YAML) would copy 200 findings for nothing.
 */
export function celVariables(input: PolicyInput): Record<string, unknown> {
  return { ...input, input };
}

export type CelOutcome = { passed: boolean } | { error: string };

export function runCelRule(rule: CelRuleProgram, variables: Record<string, unknown>): CelOutcome {
  let result: unknown;
  try {
    result = rule.program(variables);
  } catch (error) {
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
    return { error: reason.slice(0, 300) };
  }
  if (typeof result !== 'boolean') return { error: `it yielded ${celToText(result).slice(0, 80)}, not a bool` };
  return { passed: result };
}
