/**
 * Safe loading of Kubernetes manifests: multi-document YAML (or JSON) parsed with node ranges kept,
 * so every finding can name the 1-based line of the offending field. Hostile input is refused
 * cleanly: alias bombs through the parser's alias-expansion limit, huge documents through a size
 * limit, bad YAML with an INPUT error naming the file and line. Documents that are not Kubernetes
 * objects are skipped with a warning; `List` kinds are expanded into their items.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { PortcullisError, inputError } from '../../core/index.ts';

/** A path into an object: map keys and list indexes, as `['spec', 'containers', 0, 'image']`. */
export type FieldPath = ReadonlyArray<string | number>;

export interface ManifestLimits {
  /** Largest single YAML document, in characters. The API server stores objects up to ~1.5 MiB. */
  maxDocumentBytes: number;
  /** Most aliases a document may expand; a handful is legitimate, thousands is a bomb. */
  maxAliasCount: number;
  /** Most objects one input may hold (after `List` expansion). */
  maxObjects: number;
}

export const DEFAULT_MANIFEST_LIMITS: ManifestLimits = {
  maxDocumentBytes: 4 * 1024 ** 2,
  maxAliasCount: 100,
  maxObjects: 100_000,
};

/** One Kubernetes object as read from a manifest, with the way back to its lines. */
export interface ManifestObject {
  /** The file as the user named it ('-' for stdin). */
  file: string;
  apiVersion: string;
  kind: string;
  /** `metadata.name`, or '' when missing (generateName, templates with holes). */
  name: string;
  /** `metadata.namespace` when set. */
  namespace?: string;
  /** The object as plain data; untrusted: read it only through the validating readers. */
  value: Record<string, unknown>;
  /** 1-based line where the object starts. */
  line: number;
  /** 1-based line of `path`, or of its nearest ancestor that exists in the source. */
  lineOf(path: FieldPath): number;
  /** 1-based lines that carry a comment, with the comment text, for inline suppressions. */
  comments: ReadonlyMap<number, string>;
}

export interface LoadResult {
  objects: ManifestObject[];
  warnings: Array<{ file: string; message: string }>;
}

/** Parses one input's text into Kubernetes objects. Throws INPUT for bad YAML, LIMIT for bombs. */
export function loadManifests(file: string, text: string, limits: ManifestLimits = DEFAULT_MANIFEST_LIMITS): LoadResult {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, prettyErrors: true, merge: true, uniqueKeys: true });
  const list = Array.isArray(documents) ? documents : [documents];
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  const comments = collectComments(text);
  const result: LoadResult = { objects: [], warnings: [] };

  for (const [index, document] of list.entries()) {
    const [start, , end] = document.range;
    const where = `${file}:${lineAt(start)}`;
    const error = document.errors[0];
    if (error) {
      const line = error.linePos?.[0].line ?? lineAt(error.pos[0]);
      throw inputError(`${file}:${line}: invalid YAML: ${firstLine(error.message)}`);
    }
    if (end - start > limits.maxDocumentBytes) {
      throw new PortcullisError('LIMIT', `${where}: YAML document ${index + 1} is ${end - start} bytes, over the ${limits.maxDocumentBytes}-byte limit`);
    }
    const value = toPlain(document, limits, where);
    if (value === null || value === undefined) continue; // empty document, e.g. after a trailing '---'
    for (const object of expand(file, document, value, lineAt, comments, result)) {
      result.objects.push(object);
      if (result.objects.length > limits.maxObjects) {
        throw new PortcullisError('LIMIT', `${file}: more than ${limits.maxObjects} Kubernetes objects`);
      }
    }
  }
  return result;
}

function toPlain(document: Document.Parsed, limits: ManifestLimits, where: string): unknown {
  try {
    return document.toJS({ maxAliasCount: limits.maxAliasCount });
  } catch (error) {
    // The yaml package signals alias bombs with a ReferenceError ("Excessive alias count ...").
    const message = error instanceof Error ? error.message : String(error);
    if (/alias/i.test(message)) {
      throw new PortcullisError('LIMIT', `${where}: YAML aliases expand past the limit of ${limits.maxAliasCount} (a YAML bomb?)`, { cause: error });
    }
    throw inputError(`${where}: invalid YAML: ${firstLine(message)}`, error);
  }
}

/** Yields the document's object, or the items of a `List`, skipping what is not a Kubernetes object. */
function* expand(
  file: string,
  document: Document.Parsed,
  value: unknown,
  lineAt: (offset: number) => number,
  comments: ReadonlyMap<number, string>,
  result: LoadResult,
): Generator<ManifestObject> {
  const root = document.contents;
  const startLine = root?.range ? lineAt(root.range[0]) : 1;
  const identity = identify(value);
  if (typeof identity === 'string') {
    result.warnings.push({ file, message: `line ${startLine}: skipped a document that is not a Kubernetes object (${identity})` });
    return;
  }
  if (identity.kind === 'List' || (identity.kind.endsWith('List') && Array.isArray((value as Record<string, unknown>).items))) {
    const items = (value as Record<string, unknown>).items;
    if (!Array.isArray(items)) {
      result.warnings.push({ file, message: `line ${startLine}: skipped a ${identity.kind} without an items list` });
      return;
    }
    for (const [index, item] of items.entries()) {
      const itemNode = nodeAt(document, root ?? null, ['items', index]);
      const line = itemNode?.range ? lineAt(itemNode.range[0]) : startLine;
      const itemIdentity = identify(item);
      if (typeof itemIdentity === 'string') {
        result.warnings.push({ file, message: `line ${line}: skipped a ${identity.kind} item that is not a Kubernetes object (${itemIdentity})` });
        continue;
      }
      yield makeObject(file, document, itemNode ?? root ?? null, item as Record<string, unknown>, itemIdentity, lineAt, comments);
    }
    return;
  }
  yield makeObject(file, document, root ?? null, value as Record<string, unknown>, identity, lineAt, comments);
}

interface Identity {
  apiVersion: string;
  kind: string;
}

/** The object's apiVersion and kind, or why it is not a Kubernetes object. */
function identify(value: unknown): Identity | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return `a ${Array.isArray(value) ? 'list' : typeof value}, not a mapping`;
  const { apiVersion, kind } = value as Record<string, unknown>;
  if (typeof apiVersion !== 'string' || apiVersion === '') return 'no apiVersion';
  if (typeof kind !== 'string' || !/^[A-Z][A-Za-z0-9]{0,62}$/.test(kind)) return 'no valid kind';
  return { apiVersion, kind };
}

function makeObject(
  file: string,
  document: Document.Parsed,
  node: Node | null,
  value: Record<string, unknown>,
  identity: Identity,
  lineAt: (offset: number) => number,
  comments: ReadonlyMap<number, string>,
): ManifestObject {
  const metadata = value.metadata;
  const meta = typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) ? (metadata as Record<string, unknown>) : {};
  const line = node?.range ? lineAt(node.range[0]) : 1;
  const object: ManifestObject = {
    file,
    apiVersion: identity.apiVersion,
    kind: identity.kind,
    name: typeof meta.name === 'string' ? meta.name : '',
    value,
    line,
    comments,
    lineOf(path) {
      let best = line;
      let current: unknown = node;
      for (const key of path) {
        const child = childNode(document, current, key);
        if (!child) break;
        current = child.value ?? child.key;
        const start = (child.key ?? child.value)?.range?.[0];
        if (start !== undefined) best = lineAt(start);
      }
      return best;
    },
  };
  if (typeof meta.namespace === 'string' && meta.namespace !== '') object.namespace = meta.namespace;
  return object;
}

interface Child {
  /** The map key node (absent for list items); a field's line is its key's line. */
  key?: Node;
  value?: Node;
}

function childNode(document: Document.Parsed, parent: unknown, key: string | number): Child | undefined {
  const container = isAlias(parent) ? parent.resolve(document) : parent;
  if (isMap(container) && typeof key === 'string') {
    for (const pair of container.items) {
      const pairKey = pair.key;
      if (isScalar(pairKey) && pairKey.value === key) {
        const child: Child = { key: pairKey };
        if (pair.value && (isScalar(pair.value) || isMap(pair.value) || isSeq(pair.value) || isAlias(pair.value))) child.value = pair.value;
        return child;
      }
    }
    return undefined;
  }
  if (isSeq(container) && typeof key === 'number') {
    const item = container.items[key];
    if (item && (isScalar(item) || isMap(item) || isSeq(item) || isAlias(item))) return { value: item };
  }
  return undefined;
}

function nodeAt(document: Document.Parsed, root: Node | null, path: FieldPath): Node | undefined {
  let current: unknown = root;
  for (const key of path) {
    const child = childNode(document, current, key);
    if (!child?.value) return undefined;
    current = child.value;
  }
  return current as Node;
}

/** Comment text by 1-based line. A line scan is enough: suppressions are whole `# ...` comments. */
function collectComments(text: string): Map<number, string> {
  const comments = new Map<number, string>();
  if (!text.includes('portcullis:')) return comments; // cheap prefilter: only suppressions matter
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const hash = line.indexOf('# portcullis:');
    if (hash !== -1) comments.set(index + 1, line.slice(hash + 1).trim());
  }
  return comments;
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
