/**
 * The advisory database as the scan worker sees it: optional (a registry without `--db` still
 * records inventories), opened read-only for each use so a `db update` or `db import` running in
 * another process is picked up by the next scan without a restart.
 */
import { existsSync } from 'node:fs';
import type { Inventory } from '../inventory/index.ts';
import { type Finding, matchInventory } from '../vuln/index.ts';
import { openAdvisoryStore } from '../vuln/store/index.ts';
import type { AdvisoryDatabaseInfo } from './results.ts';

export interface MatchOutcome {
  findings: Finding[];
  /** Absent when there was no advisory database to match against. */
  advisoryDatabase?: AdvisoryDatabaseInfo;
  warnings: string[];
}

export class Advisories {
  /** The configured database path, if any. */
  readonly path: string | undefined;

  constructor(path: string | undefined) {
    this.path = path;
  }

  /** Matches an inventory against the current database; no findings when there is none. */
  match(inventory: Inventory): MatchOutcome {
    const path = this.path;
    if (path === undefined || !existsSync(path)) return { findings: [], warnings: ['no advisory database: inventory stored, nothing matched'] };
    const store = openAdvisoryStore(path, { readOnly: true });
    try {
      const warnings: string[] = [];
      const findings = matchInventory(inventory, store, { warn: (message) => warnings.push(message) });
      const imports = store.status().sources.map((source) => source.updatedAt).sort();
      const updatedAt = imports[imports.length - 1];
      return { findings, advisoryDatabase: { path, ...(updatedAt !== undefined && { updatedAt }) }, warnings };
    } finally {
      store.close();
    }
  }
}
