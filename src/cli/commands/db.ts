/**
 * `portcullis db import|status|update`: building and inspecting the advisory database the scanner
 * matches against.
 */
import { PortcullisError } from '../../core/index.ts';
import { SOURCES, importPaths, updateDatabase, type SourceImportReport } from '../../vuln/sources/index.ts';
import { defaultDatabasePath, openAdvisoryStore, type StoreStatus } from '../../vuln/store/index.ts';
import { GLOBAL_OPTIONS, GLOBAL_OPTIONS_HELP, choice, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { createProgressBar } from '../progress.ts';

export const DB_HELP = `Usage: portcullis db COMMAND [options]

Builds and inspects the advisory database (one SQLite file) that scans match against.

Commands:
  import PATH...   import advisory files or directories (format detected per path)
  status           what the database holds: records per source and ecosystem, last updates
  update           download the public feeds (osv.dev, Debian tracker, Alpine secdb) and import
                   the ones that changed

Options:
      --db FILE             the database (default: $PORTCULLIS_DB, then
                            \${XDG_CACHE_HOME:-~/.cache}/portcullis/advisories.db)
      --source NAME         import: read every PATH as this source; update: only this source's
                            feeds (repeatable). Sources: ${SOURCES.map((source) => source.name).join(', ')}
      --feed-base-url URL   update: fetch every feed from this mirror (also $PORTCULLIS_FEED_BASE_URL)
  -f, --format FORMAT       status: table (default) or json

${GLOBAL_OPTIONS_HELP}`;

const DB_OPTIONS = {
  ...GLOBAL_OPTIONS,
  db: { type: 'string' },
  source: { type: 'string', multiple: true },
  'feed-base-url': { type: 'string' },
} as const;

function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  const cells = [header, ...rows].map((row) => row.map(String));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  return cells.map((row) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ').trimEnd()).join('\n');
}

function importSummary(reports: readonly SourceImportReport[]): string {
  return table(
    ['source', 'records', 'skipped', 'withdrawn', 'warnings'],
    reports.map((report) => [report.source, report.records, report.skipped, report.withdrawn, report.warnings]),
  );
}

export function formatStatus(status: StoreStatus): string {
  const lines = [`database: ${status.path}`, `schema version: ${status.schemaVersion}`, ''];
  if (status.sources.length === 0) {
    lines.push("empty: run 'portcullis db update' or 'portcullis db import PATH'");
    return lines.join('\n');
  }
  lines.push(
    table(
      ['source', 'advisories', 'affected', 'skipped', 'withdrawn', 'updated'],
      status.sources.map((source) => [source.name, source.advisories, source.affected, source.skipped, source.withdrawn, source.updatedAt]),
    ),
    '',
    table(
      ['ecosystem', 'advisories', 'affected'],
      status.ecosystems.map((ecosystem) => [ecosystem.ecosystem, ecosystem.advisories, ecosystem.affected]),
    ),
  );
  return lines.join('\n');
}

async function runImport(paths: string[], values: { source?: string[] | undefined; db?: string | undefined; quiet?: boolean | undefined; debug?: boolean | undefined }) {
  if (paths.length === 0) throw usageError('db import takes at least one PATH (see portcullis db --help)');
  if ((values.source?.length ?? 0) > 1) throw usageError('db import takes one --source');
  const store = openAdvisoryStore(defaultDatabasePath(values.db));
  try {
    const started = performance.now();
    const reports = await importPaths(store, paths, { source: values.source?.[0], logger: loggerFor(values) });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    await writeReport(`${importSummary(reports)}\nimported into ${store.path} in ${seconds}s`, undefined);
  } finally {
    store.close();
  }
}

async function runStatus(values: { db?: string | undefined; format?: string | undefined; output?: string | undefined }) {
  const format = choice('format', values.format, ['table', 'json'] as const, 'table');
  const store = openAdvisoryStore(defaultDatabasePath(values.db), { readOnly: true });
  try {
    const status = store.status();
    await writeReport(format === 'json' ? JSON.stringify(status, null, 2) : formatStatus(status), values.output);
  } finally {
    store.close();
  }
}

async function runUpdate(values: {
  db?: string | undefined;
  source?: string[] | undefined;
  'feed-base-url'?: string | undefined;
  quiet?: boolean | undefined;
  debug?: boolean | undefined;
}) {
  const path = defaultDatabasePath(values.db);
  const store = openAdvisoryStore(path);
  const progress = createProgressBar(process.stderr, !values.quiet && !values.debug);
  try {
    const report = await updateDatabase(store, {
      cacheDir: `${path}.feeds`,
      sources: values.source,
      baseUrl: values['feed-base-url'] ?? process.env.PORTCULLIS_FEED_BASE_URL,
      logger: loggerFor(values),
      onProgress: (_feed, event) => progress(event.kind === 'start' ? { kind: 'start', totalBytes: event.totalBytes, layers: 1 } : event),
    });
    const changed = report.feeds.filter((feed) => feed.changed).length;
    const lines = [`${report.feeds.length} feeds checked, ${changed} changed`];
    if (report.imported.length > 0) lines.push(importSummary(report.imported));
    else lines.push('the advisory database is up to date');
    await writeReport(lines.join('\n'), undefined);
  } finally {
    store.close();
  }
}

export async function dbCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, DB_OPTIONS);
  const [command, ...paths] = positionals;
  if (values.help || command === undefined) {
    process.stdout.write(`${DB_HELP}\n`);
    return values.help ? 0 : 2;
  }
  switch (command) {
    case 'import':
      await runImport(paths, values);
      return 0;
    case 'status':
      if (paths.length > 0) throw usageError('db status takes no PATH');
      await runStatus(values);
      return 0;
    case 'update':
      if (paths.length > 0) throw usageError('db update takes no PATH');
      await runUpdate(values);
      return 0;
    default:
      throw new PortcullisError('USAGE', `unknown db command ${JSON.stringify(command)} (import, status, update)`);
  }
}
