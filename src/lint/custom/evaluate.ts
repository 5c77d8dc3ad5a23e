/**
 * Runs custom rules against one document: a Kubernetes object or a parsed Dockerfile, exposed to
 * CEL as plain data. A rule whose expression fails at run time (a missing field read without has()
 * or `.?`) produces a warning naming the rule and the document; it never passes silently.
 */
import type { FieldPath, ManifestObject } from '../k8s/load.ts';
import { POD_TEMPLATE_PATHS, resourceName, valueAt } from '../k8s/workloads.ts';
import type { LintFinding } from '../model.ts';
import { toCelValue } from './cel.ts';
import type { CustomRule } from './rules-file.ts';

/** One Dockerfile instruction as CEL sees it. */
export interface DockerfileInstructionView {
  /** Upper-case keyword: FROM, RUN, USER, ... */
  keyword: string;
  /** Everything after the keyword, continuation lines joined. */
  arguments: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** The stage's name (`FROM ... AS name`), or its 0-based index as a string. */
  stage: string;
}

/** What a rule is evaluated against. Dockerfile checks build the `dockerfile` variant from their parser. */
export type RuleDocument =
  | { type: 'kubernetes'; object: ManifestObject }
  | { type: 'dockerfile'; file: string; instructions: DockerfileInstructionView[] };

export interface RuleContext {
  /** Attach `resource` to findings (Kubernetes) or the stage (Dockerfile); defaults to true. */
  includeResource?: boolean;
}

export interface RuleEvaluation {
  findings: LintFinding[];
  /** Rules that could not be evaluated on this document, by rule id and location. */
  warnings: Array<{ file: string; message: string }>;
}

/** Evaluates every rule that selects the document's kind. Pure apart from CEL evaluation. */
export function evaluateCustomRules(rules: readonly CustomRule[], document: RuleDocument, context: RuleContext = {}): RuleEvaluation {
  const result: RuleEvaluation = { findings: [], warnings: [] };
  const kind = document.type === 'kubernetes' ? document.object.kind : 'Dockerfile';
  const file = document.type === 'kubernetes' ? document.object.file : document.file;
  const applicable = rules.filter((rule) => rule.kinds.includes(kind) || (kind !== 'Dockerfile' && rule.kinds.includes('*')));
  if (applicable.length === 0) return result;
  const base = document.type === 'kubernetes' ? kubernetesVariables(document.object) : dockerfileVariables(document.instructions);

  for (const rule of applicable) {
    for (const target of targetsOf(rule, document, base.containers)) {
      const variables = { ...base.variables, ...target.variables };
      let violated: unknown;
      try {
        violated = rule.condition(variables);
      } catch (error) {
        const reason = error instanceof Error ? (error.message.split('\n')[0] ?? error.message) : String(error);
        result.warnings.push({ file, message: `line ${target.line}: custom rule ${rule.definition.id} (${rule.source.file}:${rule.source.line}) could not be evaluated: ${reason}` });
        continue;
      }
      if (typeof violated !== 'boolean') {
        result.warnings.push({ file, message: `line ${target.line}: custom rule ${rule.definition.id} yielded ${typeof violated}, not a bool` });
        continue;
      }
      if (!violated) continue;
      const finding: LintFinding = { checkId: rule.definition.id, severity: rule.definition.severity, message: rule.message(variables), file, line: target.line };
      const resource = context.includeResource === false ? undefined : document.type === 'kubernetes' ? resourceName(document.object) : target.stage;
      if (resource !== undefined) finding.resource = resource;
      result.findings.push(finding);
    }
  }
  return result;
}

interface Target {
  variables: Record<string, unknown>;
  line: number;
  stage?: string;
}

interface ContainerEntry {
  path: FieldPath;
  value: unknown;
}

function targetsOf(rule: CustomRule, document: RuleDocument, containers: ContainerEntry[]): Target[] {
  if (document.type === 'dockerfile') {
    if (rule.scope === 'instructions') {
      return document.instructions.map((instruction) => ({ variables: { instruction: toCelValue(instruction) }, line: instruction.line, stage: instruction.stage }));
    }
    const first = document.instructions[0];
    return [{ variables: {}, line: first?.line ?? 1, ...(first ? { stage: first.stage } : {}) }];
  }
  const { object } = document;
  const field = rule.field ?? [];
  if (rule.scope === 'containers') {
    return containers.map((container) => ({ variables: { container: toCelValue(container.value) }, line: object.lineOf([...container.path, ...field]) }));
  }
  return [{ variables: {}, line: field.length > 0 ? object.lineOf(field) : object.line }];
}

function kubernetesVariables(object: ManifestObject): { variables: Record<string, unknown>; containers: ContainerEntry[] } {
  const base = Object.hasOwn(POD_TEMPLATE_PATHS, object.kind) ? POD_TEMPLATE_PATHS[object.kind] : undefined;
  const specPath = base === undefined ? undefined : [...base, 'spec'];
  const podSpec = specPath === undefined ? undefined : valueAt(object.value, specPath);
  const containers: ContainerEntry[] = [];
  if (specPath !== undefined) {
    for (const field of ['containers', 'initContainers', 'ephemeralContainers']) {
      const list = valueAt(podSpec, [field]);
      if (!Array.isArray(list)) continue;
      for (const [index, value] of list.entries()) {
        if (typeof value === 'object' && value !== null && !Array.isArray(value)) containers.push({ path: [...specPath, field, index], value });
      }
    }
  }
  const variables = {
    object: toCelValue(object.value),
    kind: object.kind,
    name: object.name,
    podSpec: typeof podSpec === 'object' && podSpec !== null && !Array.isArray(podSpec) ? toCelValue(podSpec) : {},
    containers: containers.map((container) => toCelValue(container.value)),
  };
  return { variables, containers };
}

function dockerfileVariables(instructions: DockerfileInstructionView[]): { variables: Record<string, unknown>; containers: ContainerEntry[] } {
  const object = toCelValue({ instructions });
  return { variables: { object, kind: 'Dockerfile', name: '', podSpec: {}, containers: [] }, containers: [] };
}
