/**
 * `portcullis lint KIND ...`: configuration checks. `lint dockerfile FILE...` is here; `lint k8s`
 * lives in lint-k8s.ts and loads only when it runs. What both share is in lint-shared.ts.
 */
import { type LintDockerfileOptions, lintDockerfiles, loadDockerfileConfig, parseAllowedRegistries, readDockerfiles } from '../../lint/dockerfile/index.ts';
import { GLOBAL_OPTIONS, GLOBAL_OPTIONS_HELP, parseCommandLine, usageError } from '../args.ts';
import { LINT_COMMON_OPTIONS, LINT_REPORT_OPTIONS_HELP, LINT_RULES_OPTIONS_HELP, runLintCommand } from './lint-shared.ts';

export const LINT_HELP = `Usage: portcullis lint KIND ... [options]

Checks build and deployment configuration before it becomes an image or a workload.

Kinds:
  dockerfile FILE...  Dockerfile checks (base images, users, secrets, package hygiene, ...)
  k8s PATH...         Kubernetes manifest checks (Pod Security Standards, RBAC, network, images)

Run 'portcullis lint KIND --help' for the options of each.`;

export const LINT_DOCKERFILE_HELP = `Usage: portcullis lint dockerfile FILE... [options]
       portcullis lint dockerfile --rules FILE --test TESTS

Checks Dockerfiles for insecure or fragile instructions: unpinned or untrusted base images, root
users, secrets, remote ADD, downloads piped into shells, package manager hygiene and more. Every
check is listed in docs/checks/dockerfile.md. FILE '-' reads a Dockerfile from stdin.

Options:
${LINT_REPORT_OPTIONS_HELP}
      --allowed-registries LIST  comma-separated registries, optionally with a repository prefix,
                                 base images must come from (ghcr.io/acme,docker.io/library)
      --config FILE              lint configuration file (YAML or JSON, docs/commands/lint-dockerfile.md)
${LINT_RULES_OPTIONS_HELP}

Ignore a finding with a comment on the line above its instruction (or, for the whole file, at the
top of the file followed by a blank line); the reason is required:
  # portcullis:ignore=PC-DF-004 runs under a user namespace, see ADR-12

${GLOBAL_OPTIONS_HELP}`;

const LINT_DOCKERFILE_OPTIONS = {
  ...LINT_COMMON_OPTIONS,
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
  // Checked before any file is read, so a bad option fails fast.
  const allowedRegistries = values['allowed-registries'] === undefined ? undefined : parseAllowedRegistries(values['allowed-registries']);
  return runLintCommand(
    {
      kind: 'dockerfile',
      missingInputs: 'lint dockerfile needs at least one FILE (or - for stdin)',
      lint: async (files, customRules) => {
        const options: LintDockerfileOptions = values.config === undefined ? {} : await loadDockerfileConfig(values.config);
        // The command line wins over the configuration file.
        if (allowedRegistries !== undefined) options.allowedRegistries = allowedRegistries;
        return lintDockerfiles(await readDockerfiles(files), { ...options, customRules });
      },
    },
    values,
    positionals,
  );
}
