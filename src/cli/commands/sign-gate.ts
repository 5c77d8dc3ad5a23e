/**
 * The scan gate of `portcullis sign --require-scan RULE | --policy FILE`: scans the exact digest
 * about to be signed (fresh, with the ignore file and OpenVEX documents read as `scan` reads them),
 * evaluates the rule against what the scan still reports, and hands back the vuln predicate the
 * decision rested on, so the signature and the evidence for it are attached together.
 */
import { readFile } from 'node:fs/promises';
import { PortcullisError, type Logger } from '../../core/index.ts';
import { printable } from '../../sbom/index.ts';
import { buildScanReport } from '../../scan/report/index.ts';
import { inventoryForScan } from '../../scan/scan-target.ts';
import { evaluateScanRule, parseScanPolicy, parseScanRule, type ClauseViolation, type GateFinding, type ImageTarget, type ScanRule, type TargetOptions } from '../../signing/index.ts';
import { usageError } from '../args.ts';
import { PORTCULLIS_VERSION } from '../version.ts';
import { vulnPredicate } from './attest-shared.ts';
import { findVulnerabilities, readIgnores, readVex, requireDatabase } from './scan.ts';

export const GATE_OPTIONS = {
  'require-scan': { type: 'string' },
  policy: { type: 'string' },
  db: { type: 'string' },
  ignorefile: { type: 'string' },
  vex: { type: 'string', multiple: true },
} as const;

export const GATE_OPTIONS_HELP = `Signing gated by a scan:
      --require-scan RULE    sign only if a fresh scan meets RULE, e.g. "no CRITICAL, no HIGH with
                             fix, max 5 MEDIUM"; the vuln attestation of that scan is attached too
      --policy FILE          the rule from a YAML policy file (requireScan: RULE or a list of clauses)
      --db FILE              advisory database (default: $PORTCULLIS_DB, then the user cache)
      --ignorefile FILE      suppression file, as 'portcullis scan' reads it
      --vex FILE             OpenVEX document, as 'portcullis scan' reads it (repeatable)`;

/** Findings listed per broken clause; the rest are counted. */
const LISTED_FINDINGS = 20;

interface GateValues {
  'require-scan'?: string | undefined;
  policy?: string | undefined;
  db?: string | undefined;
  ignorefile?: string | undefined;
  vex?: string[] | undefined;
}

/** The rule asked for, or undefined when signing is not gated. */
export async function gateRule(values: GateValues): Promise<ScanRule | undefined> {
  if (values['require-scan'] !== undefined && values.policy !== undefined) throw usageError('give the rule with --require-scan or --policy, not both');
  if (values['require-scan'] !== undefined) return parseScanRule(values['require-scan']);
  if (values.policy !== undefined) {
    const path = values.policy;
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new PortcullisError('NOT_FOUND', `cannot read policy file ${path}: ${error.code ?? error.message}`);
    });
    return parseScanPolicy(bytes, path);
  }
  for (const flag of ['db', 'ignorefile', 'vex'] as const) {
    if (values[flag] !== undefined) throw usageError(`--${flag} is used only with --require-scan or --policy`);
  }
  return undefined;
}

export interface GateOutcome {
  violations: ClauseViolation[];
  /** cosign's vuln predicate of the scan the decision rests on. */
  predicate: unknown;
}

/** Scans `target`'s digest and evaluates `rule` against the findings the scan still reports. */
export async function runGate(target: ImageTarget, rule: ScanRule, values: GateValues, registry: TargetOptions, logger: Logger): Promise<GateOutcome> {
  const databasePath = requireDatabase(values.db);
  const ignores = await readIgnores(values.ignorefile);
  const vex = await readVex(values.vex ?? []);
  const startedOn = new Date();
  const inventory = await inventoryForScan(`docker://${target.name}@${target.digest}`, {
    logger,
    ...(registry.insecure === true && { insecure: true }),
    ...(registry.authFile !== undefined && { authFile: registry.authFile }),
  });
  const findings = findVulnerabilities(inventory, databasePath, { warn: (message) => logger.warn(message) });
  const report = buildScanReport({ inventory, findings, toolVersion: PORTCULLIS_VERSION, ignores, vex });
  const gateFindings: GateFinding[] = report.findings.map(({ finding }) => ({
    id: finding.id,
    severity: finding.severity,
    package: `${finding.package.name}@${finding.package.version}`,
    ...(finding.fixedVersion !== undefined && { fixedVersion: finding.fixedVersion }),
  }));
  return {
    violations: evaluateScanRule(rule, gateFindings),
    predicate: vulnPredicate(report, { databasePath, startedOn, finishedOn: new Date() }),
  };
}

/** Every broken clause with the findings that break it, for the refusal message. */
export function formatViolations(violations: readonly ClauseViolation[]): string {
  const lines: string[] = [];
  for (const { clause, findings } of violations) {
    lines.push(`  ${clause.text}: ${findings.length} finding${findings.length === 1 ? '' : 's'} (at most ${clause.limit} allowed)`);
    for (const finding of findings.slice(0, LISTED_FINDINGS)) {
      const fix = finding.fixedVersion === undefined ? '' : ` (fixed in ${printable(finding.fixedVersion)})`;
      lines.push(`    ${printable(finding.id)} ${finding.severity} in ${printable(finding.package)}${fix}`);
    }
    if (findings.length > LISTED_FINDINGS) lines.push(`    ... and ${findings.length - LISTED_FINDINGS} more`);
  }
  return `${lines.join('\n')}\n`;
}
