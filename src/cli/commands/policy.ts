/**
 * `portcullis policy eval IMAGE --policy FILE...`: the decision the policy engine makes about a
 * remote image, with every reason (exit 0 allowed, 1 denied, 2 input error).
 * `portcullis policy test DIR`: policy unit tests for CI (exit 1 when any case fails).
 */
import { basename } from 'node:path';
import { gatherRemoteFacts, type RemoteFactsOptions } from '../../policy/facts/index.ts';
import { attestorKeys, evaluate, loadPolicySet, policyFindingOf, type PolicyDeployment, type PolicyInput, type PolicyLayerFile, type PolicyScan } from '../../policy/index.ts';
import { runPolicyTests, type PolicyTestResult } from '../../policy/policy-tests.ts';
import { GLOBAL_OPTIONS, choice, parseCommandLine, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP, registryOptions, singleImage } from './signing-shared.ts';
import { formatDecision, formatTestResults } from './policy-format.ts';

// `portcullis status --server` reads its server option with the same rules.

const EVAL_OPTIONS = {
  ...GLOBAL_OPTIONS,
  ...REGISTRY_OPTIONS,
  policy: { type: 'string', multiple: true },
  namespace: { type: 'string' },
  'service-account': { type: 'string' },
  cluster: { type: 'string' },
  action: { type: 'string' },
  'scan-source': { type: 'string' },
  db: { type: 'string' },
  timeout: { type: 'string' },
} as const;

const TEST_OPTIONS = { ...GLOBAL_OPTIONS } as const;

/** Exit codes as docs/exit-codes.md gives them: a denial (or a failing case) is a finding. */
const EXIT_OK = 0;
const EXIT_FINDINGS = 1;

export const POLICY_HELP = `Usage: portcullis policy eval IMAGE --policy [LAYER=]FILE... [options]
       portcullis policy test DIR

eval   decides about an image in a registry: resolves its digest, verifies its signatures and
       attestations against the policy's attestor keys, reads its scan and labels from the
       registry when it is a Portcullis server (or scans it now, --db), and prints the decision
       with every reason.
       Exit 0 allowed (or only dry-run violations), 1 denied, 2 input error.
test   runs the policy test suites (*.test.yaml) in DIR; exit 1 when any case fails.

Eval options:
      --policy [LAYER=]FILE    a policy file (YAML or JSON); repeat for layers, e.g.
                               --policy organisation=org.yaml --policy namespace:prod=prod.yaml
      --namespace NS           Kubernetes namespace to decide for (selects admission rules)
      --service-account SA     service account in that namespace
      --cluster NAME           cluster to decide for
      --action ACTION          admit (default), pull or sign
      --scan-source SOURCE     stored: the scan and labels the image's registry keeps, when it is
                               a Portcullis server (same credentials as the registry; another
                               registry leaves the image unscanned, with a warning); fresh: scan
                               the image now; none: judge it as never scanned. Default: fresh
                               with --db, else stored
      --db PATH                advisory database for a fresh scan (default: $PORTCULLIS_DB, then
                               the user cache)
      --timeout SECONDS        time limit for gathering the facts (default 30)
  -f, --format FORMAT          table (default) or json
  -o, --output FILE            write the decision to FILE

${REGISTRY_OPTIONS_HELP}

Documentation: docs/commands/policy.md, docs/policy.md`;

export async function policyCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  switch (subcommand) {
    case 'eval':
      return evalCommand(rest);
    case 'test':
      return testCommand(rest);
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${POLICY_HELP}\n`);
      return subcommand === undefined ? 2 : EXIT_OK;
    default:
      throw usageError(`unknown policy command ${JSON.stringify(subcommand)}: eval or test (see portcullis policy --help)`);
  }
}

/** `[LAYER=]FILE`: a layer name is letters, digits and `:._-` before the first `=`; else the file's name. */
export function policyLayers(values: readonly string[]): PolicyLayerFile[] {
  return values.map((value) => {
    const named = /^([A-Za-z][A-Za-z0-9:._-]{0,127})=(.+)$/.exec(value);
    return named === null ? { layer: basename(value), file: value } : { layer: named[1] ?? value, file: named[2] ?? value };
  });
}

async function evalCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, EVAL_OPTIONS);
  if (values.help) {
    process.stdout.write(`${POLICY_HELP}\n`);
    return EXIT_OK;
  }
  const image = singleImage(positionals, 'policy eval');
  if (values.policy === undefined || values.policy.length === 0) throw usageError('policy eval needs --policy FILE');
  if (values['service-account'] !== undefined && values.namespace === undefined) throw usageError('--service-account needs --namespace');
  const format = choice('format', values.format, ['table', 'json'] as const, 'table');
  const action = choice('action', values.action, ['admit', 'pull', 'sign'] as const, 'admit');
  const timeoutMs = timeoutOption(values.timeout);
  const scanSource = await scanSourceOf(values);

  const policy = await loadPolicySet(policyLayers(values.policy));
  const deployment = deploymentOf(values);
  const { input, warnings } = await gatherRemoteFacts(image, {
    attestorKeys: attestorKeys(policy),
    timeoutMs,
    action,
    ...registryOptions(values),
    ...(deployment !== undefined && { deployment }),
    ...scanSource,
  });
  if (!values.quiet) for (const warning of warnings) process.stderr.write(`portcullis policy eval: warning: ${warning}\n`);
  const decision = evaluate(policy, input);
  await writeReport(format === 'json' ? `${JSON.stringify({ input: summary(input), decision }, null, 2)}\n` : formatDecision(decision, input), values.output);
  return decision.allowed ? EXIT_OK : EXIT_FINDINGS;
}

async function testCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, TEST_OPTIONS);
  if (values.help) {
    process.stdout.write(`${POLICY_HELP}\n`);
    return EXIT_OK;
  }
  if (positionals.length !== 1 || positionals[0] === undefined) throw usageError('policy test takes exactly one DIR');
  const format = choice('format', values.format, ['table', 'json'] as const, 'table');
  const results = await runPolicyTests(positionals[0]);
  const report = format === 'json' ? `${JSON.stringify(results.map(({ decision: _decision, ...result }: PolicyTestResult) => result), null, 2)}\n` : formatTestResults(results);
  await writeReport(report, values.output);
  return results.every((result) => result.passed) ? EXIT_OK : EXIT_FINDINGS;
}

function timeoutOption(value: string | undefined): number {
  if (value === undefined) return 30_000;
  if (!/^\d{1,5}$/.test(value) || Number(value) === 0) throw usageError(`--timeout takes whole seconds from 1 to 99999, got ${JSON.stringify(value)}`);
  return Number(value) * 1000;
}

function deploymentOf(values: { namespace?: string | undefined; 'service-account'?: string | undefined; cluster?: string | undefined }): PolicyDeployment | undefined {
  if (values.namespace === undefined && values.cluster === undefined) return undefined;
  // Binary Authorization reads a cluster rule without a namespace too; "default" is Kubernetes' own.
  return {
    namespace: values.namespace ?? 'default',
    ...(values['service-account'] !== undefined && { serviceAccount: values['service-account'] }),
    ...(values.cluster !== undefined && { cluster: values.cluster }),
  };
}

const SCAN_SOURCES = ['stored', 'fresh', 'none'] as const;

/** Where the scan comes from: --db alone means fresh; without it the registry's stored scan. */
async function scanSourceOf(values: { 'scan-source'?: string | undefined; db?: string | undefined; 'allow-http-registry'?: boolean | undefined; 'allow-insecure-registry'?: boolean | undefined; authfile?: string | undefined }): Promise<Pick<RemoteFactsOptions, 'storedScan' | 'scan'>> {
  const source = choice('scan-source', values['scan-source'], SCAN_SOURCES, values.db === undefined ? 'stored' : 'fresh');
  if (source !== 'fresh' && values.db !== undefined) throw usageError(`--db is for a fresh scan: it does not go with --scan-source ${source}`);
  switch (source) {
    case 'stored':
      return { storedScan: true };
    case 'fresh': {
      // Checked now, so a missing database fails before the registry is contacted.
      const { requireDatabase } = await import('./scan.ts');
      return { scan: freshScan(requireDatabase(values.db), registryOptions(values)) };
    }
    case 'none':
      return {};
  }
}

/** A fresh scan of the resolved digest with the same code as `portcullis scan`. */
function freshScan(databasePath: string, registry: { insecure?: boolean; authFile?: string }) {
  return async (reference: string, _digest: string, signal: AbortSignal): Promise<PolicyScan> => {
    const [{ inventory }, { findVulnerabilities }] = await Promise.all([import('../../scan/inventory.ts'), import('./scan.ts')]);
    const found = findVulnerabilities(await inventory(`docker://${reference}`, { ...registry, signal }), databasePath, {});
    return { state: 'completed', completedAt: new Date().toISOString(), findings: found.map((finding) => policyFindingOf(finding)) };
  };
}

/** The input without its findings list (the decision names the findings that matter). */
function summary(input: PolicyInput): unknown {
  return { ...input, scan: { state: input.scan.state, completedAt: input.scan.completedAt, findings: input.scan.findings.length } };
}
