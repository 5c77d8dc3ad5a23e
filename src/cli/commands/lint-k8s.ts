/**
 * `portcullis lint k8s PATH...`: checks Kubernetes manifests (files, directories, or '-' for stdin)
 * against the Pod Security Standards, RBAC, network and image hygiene checks, plus custom CEL rules;
 * with `--test` it runs the custom rules' unit tests instead.
 */
import { normaliseAllowedRegistry } from '../../lint/index.ts';
import { lintManifests, readManifestInputs } from '../../lint/k8s/index.ts';
import { GLOBAL_OPTIONS, GLOBAL_OPTIONS_HELP, choice, parseCommandLine, usageError } from '../args.ts';
import { LINT_COMMON_OPTIONS, LINT_REPORT_OPTIONS_HELP, LINT_RULES_OPTIONS_HELP, runLintCommand } from './lint-shared.ts';

const PROFILES = ['baseline', 'restricted'] as const;

const LINT_K8S_OPTIONS = {
  ...LINT_COMMON_OPTIONS,
  'trusted-registries': { type: 'string' },
  profile: { type: 'string' },
} as const;

export const LINT_K8S_HELP = `Usage: portcullis lint k8s PATH... [options]
       portcullis lint k8s --rules FILE --test TESTS

Checks Kubernetes manifests: Pod Security Standards (baseline and restricted), image references,
resources and probes, service accounts, RBAC, Services, Ingress TLS, literal secrets in env values
and NetworkPolicy coverage. Checks are listed in docs/checks/kubernetes.md.

PATH is a manifest file, a directory (searched for *.yaml, *.yml, *.json), or '-' for stdin:
  helm template . | portcullis lint k8s -

Options:
${LINT_REPORT_OPTIONS_HELP}
      --profile PROFILE          Pod Security Standards profile: restricted (default) or baseline
      --trusted-registries LIST  comma-separated registries (optionally with a path) images may come
                                 from, e.g. ghcr.io/acme,registry.example.com
${LINT_RULES_OPTIONS_HELP}

Suppress one finding with a comment on its line or the line above:
  # portcullis:ignore=PC-K8S-014 runs as root by design, see ADR-12

${GLOBAL_OPTIONS_HELP}`;

export async function lintK8sCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...LINT_K8S_OPTIONS });
  if (values.help) {
    process.stdout.write(`${LINT_K8S_HELP}\n`);
    return 0;
  }
  const profile = choice('profile', values.profile, PROFILES, 'restricted');
  const trustedRegistries = parseRegistries(values['trusted-registries']);
  return runLintCommand(
    {
      kind: 'kubernetes',
      missingInputs: 'lint k8s needs at least one PATH (a file, a directory or - for stdin)',
      lint: async (paths, customRules) => lintManifests(await readManifestInputs(paths), { profile, trustedRegistries, customRules }),
    },
    values,
    positionals,
  );
}

/** `ghcr.io/acme, registry.example.com` -> normalised entries, the same rule as Dockerfile base images. */
function parseRegistries(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value.split(',').map((entry) => {
    const normalised = normaliseAllowedRegistry(entry);
    if (normalised === undefined) throw usageError(`--trusted-registries: ${JSON.stringify(entry.trim())} is not a registry host with an optional repository prefix (ghcr.io/acme)`);
    return normalised;
  });
}
