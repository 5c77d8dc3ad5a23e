/**
 * Reading untrusted YAML (or JSON, which is YAML) validated by an ajv schema: size- and
 * alias-bounded against hostile files, duplicate keys refused, and every error at file:line:column,
 * found from the YAML node the bad value came from (yaml's LineCounter). Policy files, policy
 * inputs and policy test cases all come through here.
 */
import type { ErrorObject, ValidateFunction } from 'ajv';
import { LineCounter, type Node, isNode, isMap, isPair, isScalar, parseDocument } from 'yaml';
import { type DataPath, PortcullisError, dataPathOf, inputError, refuseDeepFlowNesting, yamlNodeAt } from '../core/index.ts';

/** Alias expansions allowed while converting YAML to data: enough for shared blocks, not for billion laughs. */
const MAX_ALIAS_COUNT = 64;
const MAX_REPORTED_ERRORS = 20;

export type { DataPath };

export interface ParsedYaml<T> {
  data: T;
  /** "file:line:column" of the value at a data path (or of its nearest present parent). */
  locate: (path: DataPath) => string;
  /** Line and column where the value at a path starts, and whether it is a block scalar (| or >). */
  position: (path: DataPath) => { line: number; column: number; block: boolean };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `what` names the kind of file in messages ("policy", "policy input"). */
export function parseYamlDocument<T>(bytes: Uint8Array, source: string, validate: ValidateFunction<T>, what: string, maxBytes: number): ParsedYaml<T> {
  if (bytes.byteLength > maxBytes) {
    throw new PortcullisError('LIMIT', `${source}: ${what} file is ${bytes.byteLength} bytes, over the limit of ${maxBytes}`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw inputError(`${source}: ${what} file is not valid UTF-8`, error);
  }
  refuseDeepFlowNesting(text, source);
  const lineCounter = new LineCounter();
  const yaml = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const at = (offset: number | undefined) => {
    const { line, col } = lineCounter.linePos(offset ?? 0);
    return `${source}:${line}:${col}`;
  };
  const syntax = yaml.errors[0];
  if (syntax !== undefined) throw inputError(`${at(syntax.pos[0])}: invalid YAML: ${syntax.message.split('\n')[0] ?? ''}`);

  let data: unknown;
  try {
    data = yaml.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw inputError(`${source}: invalid ${what}: ${(error as Error).message.split('\n')[0] ?? ''}`, error);
  }
  if (data === null || data === undefined) throw inputError(`${source}: the ${what} file is empty`);
  if (!validate(data)) {
    const messages = (validate.errors ?? []).filter(isReported).slice(0, MAX_REPORTED_ERRORS).map((error) => {
      const path = dataPathOf(error.instancePath);
      const extra = error.params['additionalProperty'];
      const node = typeof extra === 'string' ? keyNode(yaml.contents, [...path, extra]) : yamlNodeAt(yaml.contents, path);
      return `${at(node?.range?.[0])}: ${describeError(error)}`;
    });
    throw inputError(`invalid ${what}: ${messages.join('; ')}`);
  }
  const position = (path: DataPath) => {
    const node = yamlNodeAt(yaml.contents, path);
    const { line, col } = lineCounter.linePos(node?.range?.[0] ?? 0);
    const block = isScalar(node) && (node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED');
    return { line, column: col, block };
  };
  return { data, locate: (path) => at(yamlNodeAt(yaml.contents, path)?.range?.[0]), position };
}

/** Schema problems of data built in code ("path message"); empty when valid. */
export function schemaProblems(validate: ValidateFunction, data: unknown): string[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).filter(isReported).map(describeError);
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(document)' : error.instancePath.slice(1).replaceAll('/', '.');
  return `${where} ${error.message ?? 'is invalid'}${describeParams(error)}`;
}

/** ajv reports the branches of oneOf / if-then too; the summary errors say enough. */
function isReported(error: ErrorObject): boolean {
  return error.keyword !== 'if';
}

/** The key node of the last path element (an unknown key is best pointed at by its name). */
function keyNode(root: unknown, path: DataPath): Node | undefined {
  const parent = yamlNodeAt(root, path.slice(0, -1));
  const name = path.at(-1);
  if (!isMap(parent)) return parent;
  const pair = parent.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === name);
  return isPair(pair) && isNode(pair.key) ? pair.key : parent;
}

function describeParams(error: ErrorObject): string {
  const params = error.params;
  if (typeof params['additionalProperty'] === 'string') return ` (${JSON.stringify(params['additionalProperty'].slice(0, 60))})`;
  if (typeof params['missingProperty'] === 'string') return ` (${JSON.stringify(params['missingProperty'])})`;
  if (Array.isArray(params['allowedValues'])) return ` (${params['allowedValues'].join(', ')})`;
  return '';
}
