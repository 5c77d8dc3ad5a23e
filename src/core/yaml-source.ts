/**
 * Pieces every reader of an untrusted YAML file with an ajv schema needs (policy files, ignore
 * files): refusing flow nesting the parser would recurse into for seconds, and finding the YAML node
 * an ajv error points at, so the error can name its line.
 */
import { type Node, isNode } from 'yaml';
import { inputError } from './errors.ts';

/** A path into parsed data: object keys and array indexes. */
export type DataPath = ReadonlyArray<string | number>;

/** Flow collections (`[...]`, `{...}`) nested deeper than this are refused; real files need a handful. */
const MAX_YAML_FLOW_DEPTH = 64;

/**
 * `[[[[...` a hundred thousand deep makes the YAML parser recurse until the stack gives out, which
 * takes seconds at the sizes these files may have: refuse it before parsing. Brackets inside quoted
 * text count too, which only matters for text with more than MAX_YAML_FLOW_DEPTH unclosed brackets.
 */
export function refuseDeepFlowNesting(text: string, source: string): void {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x5b || code === 0x7b) depth++;
    else if ((code === 0x5d || code === 0x7d) && depth > 0) depth--;
    if (depth > MAX_YAML_FLOW_DEPTH) throw inputError(`${source}: collections nested more than ${MAX_YAML_FLOW_DEPTH} deep`);
  }
}

/** The data path of an ajv error's `instancePath` (a JSON pointer: `/rules/0/name`). */
export function dataPathOf(instancePath: string): Array<string | number> {
  return instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part.replaceAll('~1', '/').replaceAll('~0', '~')));
}

/** The YAML node at a data path, or the deepest one present on the way. */
export function yamlNodeAt(root: unknown, path: DataPath): Node | undefined {
  let node: unknown = root;
  let deepest: Node | undefined = isNode(root) ? root : undefined;
  for (const key of path) {
    const next = (node as { get?: (key: unknown, keepScalar: boolean) => unknown } | null)?.get?.(key, true);
    if (!isNode(next)) break;
    node = next;
    deepest = next;
  }
  return deepest;
}
