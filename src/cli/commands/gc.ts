/**
 * `portcullis gc`: garbage collection of a registry data directory: deletes blobs no manifest
 * references (older than the grace period) and abandoned uploads, and prints what went.
 */
import { PortcullisError } from '../../core/index.ts';
import { DEFAULT_GC_GRACE_MS } from '../../registry/index.ts';
import { formatGcReport, openOfflineLifecycle, parseDuration } from '../../registry-lifecycle/index.ts';
import { GLOBAL_OPTIONS, choice, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { defaultDataDir } from './serve-location.ts';

export const GC_HELP = `Usage: portcullis gc [--data DIR] [--dry-run] [--grace DURATION] [--format text|json]

Deletes blobs that no manifest references and uploads abandoned for a day, in the data directory of
portcullis serve. While a server uses the directory, ask it instead (serve --gc-interval, or
POST /api/v1/system/gc): only the server can stop pushes for the moment of the delete.

Options:
      --data DIR          the registry's data directory (default: as portcullis serve)
      --dry-run           list what would be deleted, delete nothing
      --grace DURATION    keep blobs pushed less than DURATION ago (default 1h; 0s to 7d): a push
                          in flight may not have sent its manifest yet
  -f, --format FORMAT     text (default) or json
  -o, --output FILE       write the report to FILE
  -q, --quiet             log only errors
      --debug             debug logging
  -h, --help              this help`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  data: { type: 'string' },
  'dry-run': { type: 'boolean' },
  grace: { type: 'string' },
} as const;

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export async function gcCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  if (values.help) {
    process.stdout.write(`${GC_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`gc takes no arguments, got ${positionals.join(' ')}`);
  const format = choice('format', values.format, ['text', 'json'] as const, 'text');
  let graceMs = DEFAULT_GC_GRACE_MS;
  try {
    if (values.grace !== undefined) graceMs = parseDuration(values.grace, '--grace', { min: 0, max: WEEK_MS });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const dryRun = values['dry-run'] === true;
  const lifecycle = await openOfflineLifecycle(values.data ?? defaultDataDir(), { logger: loggerFor(values) });
  try {
    if (lifecycle.runningServer !== undefined && !dryRun) {
      throw new PortcullisError('USAGE', `portcullis serve (pid ${lifecycle.runningServer}) uses this data directory: use POST /api/v1/system/gc or serve --gc-interval, or stop it first`);
    }
    const report = await lifecycle.service.collectGarbage({ dryRun, graceMs });
    if (report === undefined) throw new PortcullisError('INTERNAL', 'garbage collection started twice');
    const result = await report;
    await writeReport(format === 'json' ? JSON.stringify({ dryRun, ...result }, null, 2) : formatGcReport(result, dryRun), values.output);
    return 0;
  } finally {
    await lifecycle.close();
  }
}
