/**
 * Importing advisory files into the store: detect each path's source (or take the one named),
 * read it, and write everything in ONE store transaction, so an import that fails or is killed
 * leaves the previous database untouched. Each source read in a run replaces what the store held
 * for it.
 */
import { silentLogger, type Logger } from '../../core/index.ts';
import type { AdvisoryStore, ImportRun } from '../store/index.ts';
import { planImport, sourceNamed, type PlannedImport } from './list.ts';
import { DEFAULT_SOURCE_LIMITS, type AdvisorySource, type SourceContext, type SourceLimits } from './types.ts';

export interface SourceImportReport {
  source: string;
  paths: string[];
  /** Records stored (one per advisory file or feed entry; merged copies counted each time). */
  records: number;
  skipped: number;
  withdrawn: number;
  warnings: number;
}

export interface ImportOptions {
  /** Read every path as this source instead of detecting it. */
  source?: string | undefined;
  logger?: Logger;
  limits?: Partial<SourceLimits>;
  /** Called after each stored record with the run's running total (progress, tests). */
  onRecord?: (total: number) => void;
}

/** Tallies of one run, by source, shared by `db import` and `db update`. */
export class ImportTally {
  readonly bySource = new Map<string, SourceImportReport>();
  total = 0;

  for(source: string): SourceImportReport {
    let report = this.bySource.get(source);
    if (!report) {
      report = { source, paths: [], records: 0, skipped: 0, withdrawn: 0, warnings: 0 };
      this.bySource.set(source, report);
    }
    return report;
  }

  reports(): SourceImportReport[] {
    return [...this.bySource.values()];
  }
}

/** Reads `path` with `source` into an open run; the run replaces the source's previous records. */
export async function readInto(run: ImportRun, source: AdvisorySource, path: string, tally: ImportTally, options: ImportOptions): Promise<void> {
  const logger = options.logger ?? silentLogger;
  const report = tally.for(source.name);
  report.paths.push(path);
  run.replace(source.name);
  const warn = (message: string): void => {
    report.warnings++;
    logger.warn(message);
  };
  const context: SourceContext = {
    limits: { ...DEFAULT_SOURCE_LIMITS, ...options.limits },
    warn,
    skip(file, reason) {
      report.skipped++;
      run.skipped(source.name);
      warn(`${file}: skipped: ${reason}`);
    },
    withdrawn(id) {
      report.withdrawn++;
      run.withdraw(source.name, id);
    },
  };
  for await (const record of source.read(path, context)) {
    if (record.advisory.source !== source.name) record.advisory.source = source.name;
    if (run.put(record)) {
      report.records++;
      options.onRecord?.(++tally.total);
    }
  }
}

export async function importPaths(store: AdvisoryStore, paths: readonly string[], options: ImportOptions = {}): Promise<SourceImportReport[]> {
  const named = options.source === undefined ? undefined : sourceNamed(options.source);
  const plan: PlannedImport[] = [];
  for (const path of paths) plan.push(...(named ? [{ path, source: named }] : await planImport(path)));
  const tally = new ImportTally();
  await store.importRun(async (run) => {
    for (const { path, source } of plan) await readInto(run, source, path, tally, options);
  });
  return tally.reports();
}
