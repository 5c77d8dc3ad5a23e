/**
 * `portcullis retention`: apply (or preview) the projects' retention rules to a registry data
 * directory, and show a project's lifecycle rules. Deletions go through the registry's delete path
 * (immutable tags are never deleted) and are audited in auth.db as the local user.
 */
import { userInfo } from 'node:os';
import { PortcullisError } from '../../core/index.ts';
import { formatRetentionReport, openOfflineLifecycle } from '../../registry-lifecycle/index.ts';
import { parseProject } from '../../registry-policy/index.ts';
import { GLOBAL_OPTIONS, choice, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { defaultDataDir } from './serve-location.ts';

export const RETENTION_HELP = `Usage: portcullis retention run [--data DIR] [--project PROJECT] [--dry-run] [--format text|json]
       portcullis retention show --project PROJECT [--data DIR]

run   applies the retention rules of PROJECT (default: every project with rules): each artifact no
      rule keeps is deleted with its tags, and the referrers (signatures, SBOMs) of deleted
      artifacts with it. --dry-run lists what would go and why each kept artifact stays. Blobs are
      freed by the next garbage collection (portcullis gc).
show  prints a project's immutability and retention rules as JSON.

Rules are set through the API (PUT /api/v1/projects/PROJECT/retention and /immutability; see
docs/lifecycle.md).

Options:
      --data DIR          the registry's data directory (default: as portcullis serve)
      --project PROJECT   one project
      --dry-run           delete nothing
  -f, --format FORMAT     text (default) or json
  -o, --output FILE       write the report to FILE
  -q, --quiet             log only errors
      --debug             debug logging
  -h, --help              this help`;

const OPTIONS = {
  ...GLOBAL_OPTIONS,
  data: { type: 'string' },
  project: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export async function retentionCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, OPTIONS);
  const [sub, ...rest] = positionals;
  if (values.help || sub === undefined) {
    process.stdout.write(`${RETENTION_HELP}\n`);
    return values.help ? 0 : 2;
  }
  if (sub !== 'run' && sub !== 'show') throw usageError(`unknown retention command ${JSON.stringify(sub)}: run or show`);
  if (rest.length > 0) throw usageError(`retention ${sub} takes no arguments, got ${rest.join(' ')}`);
  const format = choice('format', values.format, ['text', 'json'] as const, 'text');
  const project = values.project === undefined ? undefined : parseProject(values.project);
  const lifecycle = await openOfflineLifecycle(values.data ?? defaultDataDir(), { logger: loggerFor(values) });
  try {
    if (sub === 'show') {
      if (project === undefined) throw usageError('retention show needs --project');
      const { store } = lifecycle.service;
      await writeReport(JSON.stringify({ project, immutability: store.immutabilityRules(project), retention: store.retentionRules(project) }, null, 2), values.output);
      return 0;
    }
    const run = lifecycle.service.runRetention({ ...(project !== undefined && { project }), dryRun: values['dry-run'] === true, actor: { name: `cli:${userInfo().username}`, ip: '' } });
    if (run === undefined) throw new PortcullisError('INTERNAL', 'retention started twice');
    const report = await run;
    await writeReport(format === 'json' ? JSON.stringify(report, null, 2) : formatRetentionReport(report), values.output);
    return report.failures.length > 0 ? 1 : 0;
  } finally {
    await lifecycle.close();
  }
}
