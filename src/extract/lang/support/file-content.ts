/**
 * Reading and parsing the untrusted text files language extractors consume (lock files, installed
 * metadata). Every function here turns a problem into a warning and returns `undefined`, so an
 * extractor can stop cleanly; the contract (extractor.ts) reserves throwing for internal bugs.
 */
import { parseAllDocuments } from 'yaml';
import { parse as parseTomlDocument } from 'smol-toml';
import { isPortcullisError } from '../../../core/index.ts';
import type { ExtractContext, ExtractorFile } from '../../extractor.ts';

/**
 * Lock files never use YAML anchors; a few are tolerated, but an alias bomb (each alias expanding
 * to many more) fails fast instead of building an exponential object graph.
 */
const YAML_MAX_ALIAS_COUNT = 10;

/** Inline TOML arrays/tables nested deeper than this are hostile, not a lock file. */
const TOML_MAX_DEPTH = 64;

/** Error messages of parsers quote input; keep warnings readable whatever the input. */
const MAX_REASON_CHARS = 200;

function reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.length > MAX_REASON_CHARS ? `${firstLine.slice(0, MAX_REASON_CHARS)}...` : firstLine;
}

/**
 * The file's content as text. A file over the size limit is skipped with a warning; bytes that are
 * not UTF-8 are replaced (U+FFFD) with a warning, so the readable rest still counts.
 */
export async function readText(file: ExtractorFile, context: ExtractContext): Promise<string | undefined> {
  let bytes: Buffer;
  try {
    bytes = await file.read();
  } catch (error) {
    if (isPortcullisError(error) && error.code === 'LIMIT') {
      context.warn(`skipped: ${reason(error)}`);
      return undefined;
    }
    throw error;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    context.warn('content is not valid UTF-8; invalid bytes replaced');
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export function parseJson(text: string, context: ExtractContext): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    context.warn(`not valid JSON: ${reason(error)}`);
    return undefined;
  }
}

export function parseToml(text: string, context: ExtractContext): Record<string, unknown> | undefined {
  try {
    return parseTomlDocument(text, { maxDepth: TOML_MAX_DEPTH }) as Record<string, unknown>;
  } catch (error) {
    context.warn(`not valid TOML: ${reason(error)}`);
    return undefined;
  }
}

/**
 * Every document of a YAML stream as plain data. The failsafe schema keeps every scalar a string,
 * so versions such as `1.10` are never turned into numbers; keys like `__proto__` become own
 * properties (the yaml package defines them), never prototypes.
 */
export function parseYamlDocuments(text: string, context: ExtractContext): unknown[] | undefined {
  try {
    const documents = parseAllDocuments(text, { schema: 'failsafe', logLevel: 'silent', prettyErrors: false });
    const values: unknown[] = [];
    for (const document of documents) {
      const [firstError] = document.errors;
      if (firstError !== undefined) {
        context.warn(`not valid YAML: ${reason(firstError)}`);
        return undefined;
      }
      values.push(document.toJS({ maxAliasCount: YAML_MAX_ALIAS_COUNT }));
    }
    return values;
  } catch (error) {
    context.warn(`not valid YAML: ${reason(error)}`);
    return undefined;
  }
}
