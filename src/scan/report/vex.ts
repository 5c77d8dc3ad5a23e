/**
 * OpenVEX v0.2.0 documents (`scan --vex FILE`): a supplier's or team's statements that a
 * vulnerability does or does not affect a product. Validated field by field; every problem in a
 * document is reported in one INPUT error.
 */
import { PortcullisError, inputError } from '../../core/index.ts';
import { Issues, decodeJsonDocument, isJsonObject, joinPath, readArray, readObject, readString, readStringArray } from '../../oci/index.ts';
import type { VexStatus } from './model.ts';

export const MAX_VEX_BYTES = 16 * 1024 ** 2;
const CONTEXT_PREFIX = 'https://openvex.dev/ns/v0.2';

const STATUSES: ReadonlySet<string> = new Set<VexStatus>(['not_affected', 'affected', 'fixed', 'under_investigation']);
const JUSTIFICATIONS: ReadonlySet<string> = new Set([
  'component_not_present',
  'vulnerable_code_not_present',
  'vulnerable_code_not_in_execute_path',
  'vulnerable_code_cannot_be_controlled_by_adversary',
  'inline_mitigations_already_exist',
]);

/** A product as statements name it: its identifiers (purls, image digests) and subcomponents' identifiers. */
export interface VexProduct {
  ids: string[];
  subcomponents: string[][];
}

export interface VexStatement {
  /** The vulnerability's name, @id and aliases. */
  vulnerabilityIds: string[];
  /** How the statement names the vulnerability (its `name`). */
  vulnerability: string;
  products: VexProduct[];
  status: VexStatus;
  justification?: string;
  impactStatement?: string;
  actionStatement?: string;
  statusNotes?: string;
  /** The statement's own timestamp, else the document's. */
  timestamp: string;
}

export interface VexDocument {
  id: string;
  source: string;
  statements: VexStatement[];
}

export function parseOpenVex(bytes: Uint8Array, source: string): VexDocument {
  const value = decodeJsonDocument(bytes, `VEX document ${source}`, MAX_VEX_BYTES);
  if (!isJsonObject(value)) throw inputError(`${source}: a VEX document must be a JSON object`);
  const context = value['@context'];
  if (typeof context !== 'string' || !context.startsWith(CONTEXT_PREFIX)) {
    throw new PortcullisError('UNSUPPORTED', `${source}: not an OpenVEX v0.2 document (@context ${JSON.stringify(context)?.slice(0, 80)})`);
  }
  const issues = new Issues();
  const id = readString(value, '@id', '', issues, true) ?? '';
  const timestamp = readTimestamp(value, '', issues, true) ?? '';
  readString(value, 'author', '', issues, true);
  const statements = (readArray(value, 'statements', '', issues, true) ?? []).flatMap((item, index) => {
    const statement = readStatement(item, joinPath('statements', index), timestamp, issues);
    return statement === undefined ? [] : [statement];
  });
  issues.throwIfAny(`VEX document ${source}`);
  return { id, source, statements };
}

function readTimestamp(object: Record<string, unknown>, path: string, issues: Issues, required: boolean): string | undefined {
  const text = readString(object, 'timestamp', path, issues, required);
  if (text === undefined || !Number.isNaN(Date.parse(text))) return text;
  issues.add(joinPath(path, 'timestamp'), `is not a date: ${JSON.stringify(text.slice(0, 60))}`);
  return undefined;
}

function readStatement(value: unknown, path: string, documentTimestamp: string, issues: Issues): VexStatement | undefined {
  const object = readObject(value, path, issues);
  if (object === undefined) return undefined;
  const before = issues.count;
  const { name, ids } = readVulnerability(object['vulnerability'], joinPath(path, 'vulnerability'), issues);
  const products = (readArray(object, 'products', path, issues, true) ?? []).map((product, index) => readProduct(product, joinPath(joinPath(path, 'products'), index), issues));
  const status = readString(object, 'status', path, issues, true);
  if (status !== undefined && !STATUSES.has(status)) issues.add(joinPath(path, 'status'), `must be one of ${[...STATUSES].join(', ')}`);
  const justification = readString(object, 'justification', path, issues, false);
  if (justification !== undefined && !JUSTIFICATIONS.has(justification)) issues.add(joinPath(path, 'justification'), `must be one of ${[...JUSTIFICATIONS].join(', ')}`);
  const impactStatement = readString(object, 'impact_statement', path, issues, false);
  if (status === 'not_affected' && justification === undefined && impactStatement === undefined) {
    issues.add(path, 'a not_affected statement needs a justification or an impact_statement');
  }
  const actionStatement = readString(object, 'action_statement', path, issues, false);
  const statusNotes = readString(object, 'status_notes', path, issues, false);
  const timestamp = readTimestamp(object, path, issues, false) ?? documentTimestamp;
  if (issues.count > before || name === undefined || status === undefined) return undefined;

  const statement: VexStatement = {
    vulnerabilityIds: ids,
    vulnerability: name,
    products,
    status: status as VexStatus,
    timestamp,
  };
  if (justification !== undefined) statement.justification = justification;
  if (impactStatement !== undefined) statement.impactStatement = impactStatement;
  if (actionStatement !== undefined) statement.actionStatement = actionStatement;
  if (statusNotes !== undefined) statement.statusNotes = statusNotes;
  return statement;
}

/** The vulnerability's name and every id it goes by (name, @id, aliases). */
function readVulnerability(value: unknown, path: string, issues: Issues): { name?: string; ids: string[] } {
  const object = readObject(value, path, issues);
  if (object === undefined) return { ids: [] };
  const name = readString(object, 'name', path, issues, true);
  const id = readString(object, '@id', path, issues, false);
  const aliases = readStringArray(object, 'aliases', path, issues) ?? [];
  const ids = [...new Set([name, id, ...aliases].filter((text): text is string => text !== undefined))];
  return name === undefined ? { ids } : { name, ids };
}

function readProduct(value: unknown, path: string, issues: Issues): VexProduct {
  const object = readObject(value, path, issues);
  if (object === undefined) return { ids: [], subcomponents: [] };
  const ids = identifiersOf(object, path, issues);
  if (ids.length === 0) issues.add(path, 'names no product: needs an @id or identifiers.purl');
  const subcomponents = (readArray(object, 'subcomponents', path, issues, false) ?? []).map((item, index) => {
    const subPath = joinPath(joinPath(path, 'subcomponents'), index);
    const sub = readObject(item, subPath, issues);
    return sub === undefined ? [] : identifiersOf(sub, subPath, issues);
  });
  return { ids, subcomponents };
}

/** The component's `@id` and `identifiers.purl`, and a `hashes` sha-256 as an image digest. */
function identifiersOf(object: Record<string, unknown>, path: string, issues: Issues): string[] {
  const ids: string[] = [];
  const id = readString(object, '@id', path, issues, false);
  if (id !== undefined) ids.push(id);
  const identifiers = object['identifiers'];
  if (identifiers !== undefined) {
    const map = readObject(identifiers, joinPath(path, 'identifiers'), issues);
    const purl = map === undefined ? undefined : readString(map, 'purl', joinPath(path, 'identifiers'), issues, false);
    if (purl !== undefined) ids.push(purl);
  }
  const hashes = object['hashes'];
  if (isJsonObject(hashes) && typeof hashes['sha-256'] === 'string') ids.push(`sha256:${hashes['sha-256']}`);
  return ids;
}
