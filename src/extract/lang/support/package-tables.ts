/**
 * The `[[package]]` array of tables that TOML lock files (poetry.lock, Cargo.lock) share: each
 * table needs a string `name` and `version`; tables without them are warnings, the rest is kept.
 */
import type { ExtractContext } from '../../extractor.ts';
import { isRecord, quote, text } from './fields.ts';

export interface NamedTable {
  table: Record<string, unknown>;
  name: string;
  version: string;
}

export function namedPackageTables(lock: Record<string, unknown>, fileName: string, context: ExtractContext): NamedTable[] {
  const tables = lock['package'] ?? [];
  if (!Array.isArray(tables)) {
    context.warn(`${fileName} "package" is not an array of tables`);
    return [];
  }
  const named: NamedTable[] = [];
  tables.forEach((table: unknown, index) => {
    const name = isRecord(table) ? text(table['name']) : undefined;
    const version = isRecord(table) ? text(table['version']) : undefined;
    if (!isRecord(table) || name === undefined || version === undefined) {
      context.warn(`${fileName} package #${index + 1}${name === undefined ? '' : ` ${quote(name)}`} has no name or version; skipped`);
      return;
    }
    named.push({ table, name, version });
  });
  return named;
}
