/**
 * `portcullis lint KIND ...`: configuration checks. `lint dockerfile FILE...` is here; `lint k8s`
 * lives in lint-k8s.ts and loads only when it runs.
 */
import type { DockerfileLintOptions } from '../../lint/dockerfile/index.ts';
import type { Severity } from '../../vuln/model.ts';
import { GLOBAL_OPTIONS, GLOBAL_OPTIONS_HELP, choice, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { PORTCULLIS_VERSION } from '../version.ts';

export const LINT_HELP = `Usage: portcullis lint KIND ... [options]

Checks build and deployment configuration before it becomes an image or a workload.

Kinds:
  dockerfile FILE...  Dockerfile checks (base images, users, secrets, package hygiene, ...)
  k8s PATH...         Kubernetes manifest checks (Pod Security Standards, RBAC, network, images)

Run 'portcullis lint KIND --help' for the options of each.`;

export const LINT_DOCKERFILE_HELP = `Usage: portcullis lint dockerfile FILE... [options]

Checks Dockerfiles for insecure or fragile instructions: unpinned or untrusted base images, root
users, secrets, remote ADD, downloads piped into shells, package manager hygiene and more. Every
check is listed in docs/checks/dockerfile.md. FILE '-' reads a Dockerfile from stdin.

Options:
  -f, --format FORMAT            table (default), json, sarif (SARIF 2.1.0), junit
      --fail-on SEVERITY         exit 1 when an unsuppressed finding is at or above low, medium,
                                 high or critical
      --allowed-registries LIST  comma-separated registries, optionally with a repository prefix,
                                 base images must come from (ghcr.io/acme,docker.io/library)
      --config FILE              lint configuration file (YAML or JSON, docs/commands/lint-dockerfile.md)

Ignore a finding with a comment on the line above its instruction (or, for the whole file, at the
top of the file followed by a blank line); the reason is required:
  # portcullis:ignore=PC-DF-004 runs under a user namespace, see ADR-12

${GLOBAL_OPTIONS_HELP}`;

const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
const FAIL_ON = ['low', 'medium', 'high', 'critical'] as const;

const LINT_DOCKERFILE_OPTIONS = {
  'fail-on': { type: 'string' },
  'allowed-registries': { type: 'string' },
  config: { type: 'string' },
} as const;

export async function lintCommand(args: string[]): Promise<number> {
  const [kind, ...rest] = args;
  switch (kind) {
    case 'dockerfile':
      return lintDockerfileCommand(rest);
    case 'k8s':
      return (await import('./lint-k8s.ts')).lintK8sCommand(rest);
    case undefined:
    case '--help':
    case '-h':
      process.stdout.write(`${LINT_HELP}\n`);
      return kind === undefined ? 2 : 0;
    default:
      throw usageError(`unknown lint kind ${JSON.stringify(kind)}: use dockerfile or k8s (see portcullis lint --help)`);
  }
}

export async function lintDockerfileCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...LINT_DOCKERFILE_OPTIONS });
  if (values.help) {
    process.stdout.write(`${LINT_DOCKERFILE_HELP}\n`);
    return 0;
  }
  if (positionals.length === 0) throw usageError('lint dockerfile needs at least one FILE (or - for stdin)');
  const format = choice('format', values.format, FORMATS, 'table');
  const failOnWord = values['fail-on'] === undefined ? undefined : choice('fail-on', values['fail-on'].toLowerCase(), FAIL_ON, 'critical');
  const failOn = failOnWord === undefined ? undefined : (failOnWord.toUpperCase() as Severity);
  const logger = loggerFor(values);

  const { formatLintJson, formatLintJunit, formatLintSarif, formatLintTable, lintExitCode } = await import('../../lint/report/index.ts');
  const { lintDockerfiles, loadDockerfileConfig, parseAllowedRegistries, readDockerfiles } = await import('../../lint/dockerfile/index.ts');
  const options: DockerfileLintOptions = values.config === undefined ? {} : await loadDockerfileConfig(values.config);
  // The command line wins over the configuration file.
  if (values['allowed-registries'] !== undefined) options.allowedRegistries = parseAllowedRegistries(values['allowed-registries']);

  const report = lintDockerfiles(await readDockerfiles(positionals), options);
  // The table lists warnings itself; the machine formats carry them too, but people watch stderr.
  if (format !== 'table') for (const warning of report.warnings) logger.warn(`${warning.file}: ${warning.message}`);
  const text =
    format === 'json'
      ? formatLintJson(report)
      : format === 'sarif'
        ? formatLintSarif(report, { toolVersion: PORTCULLIS_VERSION })
        : format === 'junit'
          ? formatLintJunit(report, failOn === undefined ? {} : { failOn })
          : formatLintTable(report, { color: !values.output && process.stdout.isTTY === true, width: process.stdout.columns ?? 120 });
  await writeReport(text, values.output);
  return lintExitCode(report, failOn);
}
