/**
 * `portcullis compliance TARGET... --framework ID`: runs the scanners a framework's controls need
 * (vulnerability scan and secret scan of images, Dockerfile lint, Kubernetes lint) and reports
 * pass / fail / manual / not evaluated per control with the findings behind every failure.
 */
import { existsSync } from 'node:fs';
import {
  FRAMEWORK_IDS,
  FRAMEWORKS,
  buildComplianceReport,
  complianceExitCode,
  formatComplianceJson,
  formatComplianceJunit,
  formatComplianceSarif,
  formatComplianceTable,
  sourcesNeeded,
  type ComplianceEvidence,
  type ComplianceReport,
  type EvidenceSource,
} from '../../compliance/index.ts';
import type { Logger } from '../../core/index.ts';
import type { ReadImageOptions } from '../../image/types.ts';
import type { Warning } from '../../inventory/index.ts';
import { lintDockerfiles, lintManifests, parseAllowedRegistries, readDockerfiles, readManifestInputs } from '../../lint/index.ts';
import { buildScanReport, type ScanReport } from '../../scan/report/index.ts';
import { inventoryForScan } from '../../scan/scan-target.ts';
import { scanSecrets } from '../../secrets/index.ts';
import { matchInventory } from '../../vuln/index.ts';
import { defaultDatabasePath, openAdvisoryStore } from '../../vuln/store/index.ts';
import { GLOBAL_OPTIONS, GLOBAL_OPTIONS_HELP, IMAGE_OPTIONS, IMAGE_OPTIONS_HELP, choice, loggerFor, parseCommandLine, readImageOptions, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { PORTCULLIS_VERSION } from '../version.ts';

const FORMATS = ['table', 'json', 'sarif', 'junit'] as const;

export const COMPLIANCE_HELP = `Usage: portcullis compliance TARGET... --framework FRAMEWORK [options]

Reports, control by control, whether images, Dockerfiles and Kubernetes manifests meet a security
framework: PASS, FAIL (with the findings behind it), MANUAL (needs a person) or NOT EVALUATED
(the evidence it needs was not available, e.g. no advisory database).

Frameworks:
  cis-docker     CIS Docker Benchmark, section 4 and image-evidenced section 5 controls:
                 TARGETs are images; add the Dockerfile with --dockerfile
  cis-k8s        CIS Kubernetes Benchmark, section 5: TARGETs are manifest files or directories
  nist-800-190   NIST SP 800-190 countermeasures: TARGETs ending in .yaml or .yml, or written
                 k8s:PATH, are manifests; every other TARGET is an image

Images are scanned for vulnerabilities (local advisory database, see 'portcullis db') and for
secrets; Dockerfiles and manifests are linted with every built-in check.

Options:
      --framework ID     cis-docker, cis-k8s or nist-800-190 (required)
  -f, --format FORMAT    table (default), json, sarif (SARIF 2.1.0), junit
      --dockerfile FILE  Dockerfile the image is built from (repeatable)
      --db FILE          advisory database (default: $PORTCULLIS_DB, then the user cache)
      --trusted-registries LIST
                         registries (optionally with a path) base images and workload images
                         must come from, e.g. ghcr.io/acme; without it the provenance controls
                         (CIS Kubernetes 5.5.1) are not evaluated

Exit codes: 0 no control failed, 1 a control failed, 2 usage or input error.

${IMAGE_OPTIONS_HELP}

${GLOBAL_OPTIONS_HELP}`;

const COMPLIANCE_OPTIONS = {
  ...GLOBAL_OPTIONS,
  ...IMAGE_OPTIONS,
  framework: { type: 'string' },
  dockerfile: { type: 'string', multiple: true },
  db: { type: 'string' },
  'trusted-registries': { type: 'string' },
} as const;

/** The image-provenance check can only fire with a list of trusted registries. */
const REGISTRY_CHECK = 'PC-K8S-020';

const MANIFEST_PREFIX = 'k8s:';

interface Targets {
  images: string[];
  manifests: string[];
}

/** Splits TARGETs into images and manifests the way the framework's help describes. */
function classifyTargets(framework: (typeof FRAMEWORK_IDS)[number], targets: string[]): Targets {
  if (framework === 'cis-k8s') return { images: [], manifests: targets.map((target) => (target.startsWith(MANIFEST_PREFIX) ? target.slice(MANIFEST_PREFIX.length) : target)) };
  if (framework === 'cis-docker') return { images: targets, manifests: [] };
  const result: Targets = { images: [], manifests: [] };
  for (const target of targets) {
    if (target.startsWith(MANIFEST_PREFIX)) result.manifests.push(target.slice(MANIFEST_PREFIX.length));
    else if (/\.ya?ml$/i.test(target)) result.manifests.push(target);
    else result.images.push(target);
  }
  return result;
}

export async function complianceCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, COMPLIANCE_OPTIONS);
  if (values.help) {
    process.stdout.write(`${COMPLIANCE_HELP}\n`);
    return 0;
  }
  if (values.framework === undefined) throw usageError(`--framework is required: ${FRAMEWORK_IDS.join(', ')}`);
  const frameworkId = choice('framework', values.framework, FRAMEWORK_IDS, 'cis-docker');
  const format = choice('format', values.format, FORMATS, 'table');
  const dockerfiles = values.dockerfile ?? [];
  if (frameworkId === 'cis-k8s' && dockerfiles.length > 0) throw usageError('--dockerfile does not apply to cis-k8s, whose controls are decided from manifests');
  if (positionals.length === 0 && dockerfiles.length === 0) throw usageError('compliance needs at least one TARGET (see portcullis compliance --help)');

  const framework = FRAMEWORKS[frameworkId];
  const logger = loggerFor(values);
  const evidence = await gatherEvidence({
    needed: sourcesNeeded(framework),
    targets: classifyTargets(frameworkId, positionals),
    dockerfiles,
    databasePath: defaultDatabasePath(values.db),
    imageOptions: readImageOptions(values),
    trustedRegistries: values['trusted-registries'] === undefined ? [] : parseAllowedRegistries(values['trusted-registries']),
    logger,
  });
  const report = buildComplianceReport({ framework, evidence, toolVersion: PORTCULLIS_VERSION });
  await writeReport(render(format, report, !values.output && process.stdout.isTTY === true), values.output);
  return complianceExitCode(report);
}

function render(format: (typeof FORMATS)[number], report: ComplianceReport, color: boolean): string {
  switch (format) {
    case 'table':
      return formatComplianceTable(report, { color });
    case 'json':
      return formatComplianceJson(report);
    case 'sarif':
      return formatComplianceSarif(report);
    case 'junit':
      return formatComplianceJunit(report);
  }
}

interface GatherOptions {
  needed: Set<EvidenceSource>;
  targets: Targets;
  dockerfiles: string[];
  databasePath: string;
  imageOptions: ReadImageOptions;
  trustedRegistries: string[];
  logger: Logger;
}

/** Runs only what the framework's controls can use, over the inputs of the kind each reads. */
async function gatherEvidence(options: GatherOptions): Promise<ComplianceEvidence> {
  const { needed, targets, logger } = options;
  const warnings: string[] = [];
  const evidence: ComplianceEvidence = { lint: [], secrets: [], vulnerabilities: [], unavailable: {}, warnings };
  if (needed.has('dockerfile-lint') && options.dockerfiles.length > 0) {
    const report = lintDockerfiles(await readDockerfiles(options.dockerfiles), { allowedRegistries: options.trustedRegistries });
    warnings.push(...report.warnings.map((warning) => `${warning.file}: ${warning.message}`));
    evidence.lint.push(report);
  }
  if (needed.has('k8s-lint') && targets.manifests.length > 0) {
    const report = lintManifests(await readManifestInputs(targets.manifests), { trustedRegistries: options.trustedRegistries });
    // A check that cannot fire has not decided anything: leave its controls not evaluated.
    if (options.trustedRegistries.length === 0) report.checks = report.checks.filter((check) => check.id !== REGISTRY_CHECK);
    warnings.push(...report.warnings.map((warning) => `${warning.file}: ${warning.message}`));
    evidence.lint.push(report);
  }
  if (targets.images.length === 0) return evidence;
  if (needed.has('secrets')) {
    for (const image of targets.images) {
      const result = await scanSecrets(image, { ...options.imageOptions, logger });
      warnings.push(...result.warnings.map((warning) => imageWarning(image, warning)));
      evidence.secrets.push(result);
    }
  }
  if (needed.has('vulnerabilities')) {
    if (existsSync(options.databasePath)) evidence.vulnerabilities.push(...(await scanVulnerabilities(targets.images, options, warnings)));
    else evidence.unavailable = { vulnerabilities: `no advisory database at ${options.databasePath}: run 'portcullis db update' or 'portcullis db import PATH', or pass --db` };
  }
  return evidence;
}

function imageWarning(image: string, warning: Warning): string {
  return `${image}: ${warning.location === undefined ? '' : `${warning.location}: `}${warning.message}`;
}

async function scanVulnerabilities(images: string[], options: GatherOptions, warnings: string[]): Promise<ScanReport[]> {
  const store = openAdvisoryStore(options.databasePath, { readOnly: true });
  try {
    const reports: ScanReport[] = [];
    for (const image of images) {
      const inventory = await inventoryForScan(image, { ...options.imageOptions, logger: options.logger });
      const findings = matchInventory(inventory, store, { warn: (message) => options.logger.warn(message) });
      const report = buildScanReport({ inventory, findings, toolVersion: PORTCULLIS_VERSION, ignores: [], vex: [] });
      warnings.push(...report.warnings.map((warning) => imageWarning(image, warning)));
      reports.push(report);
    }
    return reports;
  } finally {
    store.close();
  }
}
