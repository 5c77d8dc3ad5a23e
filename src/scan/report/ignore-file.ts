/**
 * `.portcullisignore.yaml`: findings a team has looked at and decided not to report, each with a
 * reason. Parsed with `yaml` (alias expansion capped against billion-laughs documents, duplicate keys
 * rejected) and validated against schemas/ignore-file.schema.json with ajv; every error names the
 * line it is on.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { LineCounter, isNode, parseDocument } from 'yaml';
import { PortcullisError, dataPathOf, inputError, refuseDeepFlowNesting, yamlNodeAt } from '../../core/index.ts';
import type { IgnoreEntry } from './model.ts';
import { isPurl, purlMatcher } from './purl-match.ts';

/** Largest ignore file accepted: thousands of entries fit in far less. */
export const MAX_IGNORE_FILE_BYTES = 4 * 1024 ** 2;
/** Alias expansions allowed while converting the YAML to data. */
const MAX_ALIAS_COUNT = 100;
/** Schema errors spelled out in one message. */
const MAX_REPORTED_ERRORS = 20;

const validate = (() => {
  const schema: unknown = JSON.parse(readFileSync(new URL('../../../schemas/ignore-file.schema.json', import.meta.url), 'utf8'));
  return new Ajv2020({ allErrors: true, strict: true }).compile(schema as object);
})();

interface RawEntry {
  id: string;
  package?: string;
  path?: string;
  reason: string;
  owner?: string;
  expires?: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses an ignore file; `source` (its path) prefixes every message and every entry's `source`. */
export function parseIgnoreFile(bytes: Uint8Array, source: string): IgnoreEntry[] {
  if (bytes.byteLength > MAX_IGNORE_FILE_BYTES) {
    throw new PortcullisError('LIMIT', `${source}: ignore file is ${bytes.byteLength} bytes, over the limit of ${MAX_IGNORE_FILE_BYTES}`);
  }
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch (error) {
    throw inputError(`${source}: ignore file is not valid UTF-8`, error);
  }
  refuseDeepFlowNesting(text, source);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
  const syntax = document.errors[0];
  if (syntax !== undefined) throw inputError(`${source}:${lineOf(syntax.pos[0])}: invalid YAML: ${syntax.message.split('\n')[0] ?? ''}`);

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    throw inputError(`${source}: invalid ignore file: ${(error as Error).message}`, error);
  }
  if (!validate(data)) {
    const messages = (validate.errors ?? []).slice(0, MAX_REPORTED_ERRORS).map((error) => {
      const where = error.instancePath === '' ? '(document)' : error.instancePath;
      return `${source}:${lineOf(yamlNodeAt(document.contents, dataPathOf(error.instancePath))?.range?.[0])}: ${where} ${error.message ?? 'is invalid'}${describeParams(error.params)}`;
    });
    throw inputError(`invalid ignore file: ${messages.join('; ')}`);
  }
  const entries = (data as { ignore: RawEntry[] }).ignore;
  const items = (document.get('ignore', true) as { items?: unknown[] } | undefined)?.items ?? [];
  return entries.map((raw, index) => {
    const item = items[index];
    const line = lineOf(isNode(item) ? item.range?.[0] : undefined);
    if (raw.package !== undefined && isPurl(raw.package) && purlMatcher(raw.package) === undefined) {
      throw inputError(`${source}:${line}: package ${JSON.stringify(raw.package.slice(0, 200))} is not a valid purl`);
    }
    if (raw.expires !== undefined && !isCalendarDate(raw.expires)) {
      throw inputError(`${source}:${line}: expires ${JSON.stringify(raw.expires)} is not a real date`);
    }
    return { ...raw, source: `${source}:${line}` };
  });
}

/** "2026-02-30" matches the schema's pattern but is no day: it must survive a round trip through Date. */
function isCalendarDate(text: string): boolean {
  const time = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(time) && new Date(time).toISOString().slice(0, 10) === text;
}


function describeParams(params: Record<string, unknown>): string {
  if (typeof params['additionalProperty'] === 'string') return ` (${JSON.stringify(params['additionalProperty'])})`;
  if (typeof params['missingProperty'] === 'string') return ` (${JSON.stringify(params['missingProperty'])})`;
  return '';
}

/** True when the entry has expired at `now`. */
export function isExpired(entry: IgnoreEntry, now: Date): boolean {
  return entry.expires !== undefined && now.getTime() >= Date.parse(`${entry.expires}T00:00:00Z`);
}
