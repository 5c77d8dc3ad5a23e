/**
 * `portcullis lint k8s PATH...`: checks Kubernetes manifests (files, directories, or '-' for stdin)
 * against the Pod Security Standards, RBAC, network and image hygiene checks, plus custom CEL rules;
 * with `--test` it runs the custom rules' unit tests instead.
 */
import { readFile } from 'node:fs/promises';
import { PortcullisError } from '../../core/index.ts';
import { normaliseAllowedRegistry } from '../../lint/index.ts';
import { loadCustomRules, loadRuleTests, runRuleTests, formatRuleTestResults, type CustomRule } from '../../lint/custom/index.ts';
import { lintManifests, readManifestInputs } from '../../lint/k8s/index.ts';
import { formatLintJson, formatLintJunit, formatLintSarif, formatLintTable, lintExitCode } from '../../lint/report/index.ts';
import type { Severity } from '../../vuln/model.ts';
import { GLOBAL_OPTIONS, GLOBAL_OPTIONS_HELP, choice, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { PORTCULLIS_VERSION } from '../version.ts';

const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;
const FAIL_ON = ['low', 'medium', 'high', 'critical'] as const;
const PROFILES = ['baseline', 'restricted'] as const;

const LINT_K8S_OPTIONS = {
  'fail-on': { type: 'string' },
  'trusted-registries': { type: 'string' },
  profile: { type: 'string' },
  rules: { type: 'string' },
  test: { type: 'string' },
} as const;

export const LINT_K8S_HELP = `Usage: portcullis lint k8s PATH... [options]
       portcullis lint k8s --rules FILE --test TESTS

Checks Kubernetes manifests: Pod Security Standards (baseline and restricted), image references,
resources and probes, service accounts, RBAC, Services, Ingress TLS, literal secrets in env values
and NetworkPolicy coverage. Checks are listed in docs/checks/kubernetes.md.

PATH is a manifest file, a directory (searched for *.yaml, *.yml, *.json), or '-' for stdin:
  helm template . | portcullis lint k8s -

Options:
  -f, --format FORMAT            table (default), json, sarif (SARIF 2.1.0), junit
      --fail-on SEVERITY         exit 1 when an unsuppressed finding is at or above low, medium,
                                 high or critical
      --profile PROFILE          Pod Security Standards profile: restricted (default) or baseline
      --trusted-registries LIST  comma-separated registries (optionally with a path) images may come
                                 from, e.g. ghcr.io/acme,registry.example.com
      --rules FILE               custom rules in CEL (docs/formats/custom-rules.md)
      --test TESTS               run the rule unit tests in TESTS against --rules and report them

Suppress one finding with a comment on its line or the line above:
  # portcullis:ignore=PC-K8S-014 runs as root by design, see ADR-12

${GLOBAL_OPTIONS_HELP}`;

export async function lintK8sCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...LINT_K8S_OPTIONS });
  if (values.help) {
    process.stdout.write(`${LINT_K8S_HELP}\n`);
    return 0;
  }
  const logger = loggerFor(values);
  const rules = values.rules === undefined ? [] : await readRules(values.rules);

  if (values.test !== undefined) {
    if (values.rules === undefined) throw usageError('--test needs --rules FILE (the rules under test)');
    if (positionals.length > 0) throw usageError('--test takes no PATH arguments: inputs come from the tests file');
    const cases = await loadRuleTests(values.test, await readText(values.test));
    const results = runRuleTests(rules, cases);
    await writeReport(formatRuleTestResults(results), values.output);
    return results.every((result) => result.passed) ? 0 : 1;
  }

  if (positionals.length === 0) throw usageError('lint k8s needs at least one PATH (a file, a directory or - for stdin)');
  const format = choice('format', values.format, FORMATS, 'table');
  const failOnWord = values['fail-on'] === undefined ? undefined : choice('fail-on', values['fail-on'].toLowerCase(), FAIL_ON, 'critical');
  const failOn = failOnWord === undefined ? undefined : (failOnWord.toUpperCase() as Severity);
  const profile = choice('profile', values.profile, PROFILES, 'restricted');
  const trustedRegistries = parseRegistries(values['trusted-registries']);

  const inputs = await readManifestInputs(positionals);
  const report = lintManifests(inputs, { profile, trustedRegistries, customRules: rules });
  for (const warning of report.warnings) logger.warn(`${warning.file}: ${warning.message}`);

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

async function readRules(file: string): Promise<CustomRule[]> {
  return loadCustomRules(file, await readText(file));
}

async function readText(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((error: unknown) => {
    throw new PortcullisError('NOT_FOUND', `${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  });
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
