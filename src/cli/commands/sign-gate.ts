/**
 * The scan gate of `portcullis sign --require-scan RULE | --policy FILE`: the policy engine decides,
 * for the exact digest about to be signed, over its scan, and the vuln predicate the decision rested
 * on is handed back, so the signature and the evidence for it are attached together. The scan is the
 * one a Portcullis registry keeps for the digest (stored), or one made here (fresh, with the ignore
 * file and OpenVEX documents read as `scan` reads them). An index is gated platform by platform:
 * every platform image must be allowed.
 */
import { PortcullisError, type Logger } from '../../core/index.ts';
import { policyScanOf } from '../../policy/facts/index.ts';
import { evaluate, loadPolicy, policyFindingOf, policyFromScanRule, type CompiledPolicy, type Decision, type DecisionReason, type PolicyScan } from '../../policy/index.ts';
import { printable } from '../../sbom/index.ts';
import { buildScanReport } from '../../scan/report/index.ts';
import { inventoryForScan } from '../../scan/scan-target.ts';
import { fetchStoredScan, formatScanRule, parseScanRule, type ImageTarget, type StoredScan, type TargetOptions } from '../../signing/index.ts';
import { choice, usageError } from '../args.ts';
import { PORTCULLIS_VERSION } from '../version.ts';
import { vulnPredicate } from './attest-shared.ts';
import { findVulnerabilities, readIgnores, readVex, requireDatabase } from './scan.ts';

export const GATE_OPTIONS = {
  'require-scan': { type: 'string' },
  policy: { type: 'string' },
  db: { type: 'string' },
  ignorefile: { type: 'string' },
  vex: { type: 'string', multiple: true },
  'scan-source': { type: 'string' },
} as const;

export const GATE_OPTIONS_HELP = `Signing gated by a scan:
      --require-scan RULE    sign only if a fresh scan meets RULE, e.g. "no CRITICAL, no HIGH with
                             fix, max 5 MEDIUM"; the vuln attestation of that scan is attached too
      --policy FILE          sign only if the image passes a Portcullis policy file (see
                             portcullis policy): its scan, label, registry, age and CEL rules;
                             admission rules (required attestations) do not apply to signing
      --db FILE              advisory database (default: $PORTCULLIS_DB, then the user cache)
      --ignorefile FILE      suppression file, as 'portcullis scan' reads it
      --vex FILE             OpenVEX document, as 'portcullis scan' reads it (repeatable)
      --scan-source SOURCE   stored: the scan a Portcullis registry keeps for the digest; fresh: a
                             scan made here; auto (default): stored when the registry has a
                             completed one, else fresh (always fresh with --ignorefile or --vex)`;

interface GateValues {
  'require-scan'?: string | undefined;
  policy?: string | undefined;
  db?: string | undefined;
  ignorefile?: string | undefined;
  vex?: string[] | undefined;
  'scan-source'?: string | undefined;
}

const SCAN_SOURCES = ['stored', 'fresh', 'auto'] as const;
type ScanSource = (typeof SCAN_SOURCES)[number];

/** The policy signing is gated by, and how to name it in messages. */
export interface SigningGate {
  policy: CompiledPolicy;
  /** `scan rule "no CRITICAL"` or `policy FILE`. */
  name: string;
}

/** The gate asked for, or undefined when signing is not gated. */
export async function signingGate(values: GateValues): Promise<SigningGate | undefined> {
  if (values['require-scan'] !== undefined && values.policy !== undefined) throw usageError('give the rule with --require-scan or --policy, not both');
  // Checked here so a bad --scan-source fails before the key is opened or the registry contacted.
  if (values['require-scan'] !== undefined || values.policy !== undefined) scanSource(values);
  const ruleText = values['require-scan'];
  if (ruleText !== undefined) {
    // Parsed first for the command line's own error (USAGE, with the column of the mistake).
    const rule = formatScanRule(parseScanRule(ruleText));
    return { policy: policyFromScanRule(rule), name: `scan rule "${rule}"` };
  }
  if (values.policy !== undefined) return { policy: await loadPolicy(values.policy), name: `policy ${values.policy}` };
  for (const flag of ['db', 'ignorefile', 'vex', 'scan-source'] as const) {
    if (values[flag] !== undefined) throw usageError(`--${flag} is used only with --require-scan or --policy`);
  }
  return undefined;
}

export interface GateOutcome {
  decision: Decision;
  /** cosign's vuln predicate of the scan the decision rests on. */
  predicate: unknown;
  /** Where the scan came from. */
  source: 'stored' | 'fresh';
}

/** One gated image: the digest, and for an index's image its platform ("linux/arm64"). */
export interface ImageGate extends GateOutcome {
  digest: string;
  platform?: string;
}

/** The scan source asked for; the stored scan cannot honour local suppressions, so they mean fresh. */
function scanSource(values: GateValues): ScanSource {
  const source = choice('scan-source', values['scan-source'], SCAN_SOURCES, 'auto');
  const suppressions = values.ignorefile !== undefined || (values.vex ?? []).length > 0;
  if (source === 'stored' && suppressions) throw usageError('--ignorefile and --vex apply to a fresh scan: use --scan-source fresh or auto');
  return suppressions ? 'fresh' : source;
}

/** The scan the decision rests on and the predicate that records it. */
interface GateScan {
  scan: PolicyScan;
  labels: Record<string, string>;
  predicate: unknown;
  source: 'stored' | 'fresh';
}

/**
 * Decides for each image: the target itself, or every platform image of an index (an index passes
 * only when all of them do; each gate names its platform).
 */
export async function runGate(images: ReadonlyArray<ImageTarget & { platform?: string }>, gate: SigningGate, values: GateValues, registry: TargetOptions, logger: Logger): Promise<ImageGate[]> {
  const source = scanSource(values);
  const gates: ImageGate[] = [];
  for (const image of images) {
    const scanned = (source === 'fresh' ? undefined : await storedScan(image, source, logger)) ?? (await freshScan(image, values, registry, logger));
    const decision = evaluate(gate.policy, {
      action: 'sign',
      image: { reference: `${image.name}@${image.digest}`, registry: image.reference.domain, repository: image.repository, digest: image.digest },
      labels: scanned.labels,
      signatures: [],
      attestations: [],
      scan: scanned.scan,
      now: new Date().toISOString(),
    });
    gates.push({ digest: image.digest, ...(image.platform !== undefined && { platform: image.platform }), decision, predicate: scanned.predicate, source: scanned.source });
  }
  return gates;
}

/** The registry's stored scan; undefined when auto should fall back to a fresh scan. */
async function storedScan(image: ImageTarget, source: 'stored' | 'auto', logger: Logger): Promise<GateScan | undefined> {
  const answer = await fetchStoredScan(image.client, image.repository, image.digest);
  const subject = `${image.name}@${image.digest}`;
  if (!answer.offered) {
    if (source === 'stored') throw new PortcullisError('UNSUPPORTED', `--scan-source stored: ${subject}: no stored scan (${answer.reason})`);
    logger.debug(`${subject}: no stored scan (${answer.reason}); scanning here`);
    return undefined;
  }
  if (answer.scan.state !== 'completed') {
    if (source === 'stored') throw new PortcullisError('NOT_FOUND', `--scan-source stored: the registry's scan of ${subject} is ${answer.scan.state}, not completed`);
    logger.info(`${subject}: the registry's scan is ${answer.scan.state}; scanning here`);
    return undefined;
  }
  const origin = await image.client.session.origin();
  return { scan: policyScanOf(answer.scan), labels: answer.scan.labels, predicate: storedPredicate(answer.scan, origin), source: 'stored' };
}

/** cosign's vuln predicate for a stored scan: the registry's findings, as it reported them. */
function storedPredicate(scan: StoredScan, origin: URL): unknown {
  const at = scan.completedAt ?? '';
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: {
      uri: 'pkg:npm/portcullis',
      version: PORTCULLIS_VERSION,
      db: { uri: new URL(`/api/v1/repositories/${encodeURIComponent(scan.repository)}/artifacts/${scan.digest}/scan`, origin).href, version: at },
      result: { source: 'stored', summary: scan.summary, findings: scan.findings },
    },
    metadata: { scanStartedOn: at, scanFinishedOn: at },
  };
}

/** Scans `image` here; the findings are those the scan still reports after ignores and VEX. */
async function freshScan(image: ImageTarget, values: GateValues, registry: TargetOptions, logger: Logger): Promise<GateScan> {
  const databasePath = requireDatabase(values.db);
  const ignores = await readIgnores(values.ignorefile);
  const vex = await readVex(values.vex ?? []);
  const startedOn = new Date();
  const inventory = await inventoryForScan(`docker://${image.name}@${image.digest}`, {
    logger,
    ...(registry.insecure === true && { insecure: true }),
    ...(registry.authFile !== undefined && { authFile: registry.authFile }),
  });
  const findings = findVulnerabilities(inventory, databasePath, { warn: (message) => logger.warn(message) });
  const report = buildScanReport({ inventory, findings, toolVersion: PORTCULLIS_VERSION, ignores, vex });
  const finishedOn = new Date();
  return {
    scan: { state: 'completed', completedAt: finishedOn.toISOString(), findings: report.findings.map(({ finding }) => policyFindingOf(finding)) },
    labels: {},
    predicate: vulnPredicate(report, { databasePath, startedOn, finishedOn }),
    source: 'fresh',
  };
}

/** Every reason of a decision (the engine's messages name the findings), for the refusal message. */
export function formatReasons(reasons: readonly DecisionReason[]): string {
  return reasons.map((reason) => `  [${reason.rule}] ${printable(reason.message)}\n${reason.fix === undefined ? '' : `    fix: ${printable(reason.fix)}\n`}`).join('');
}
