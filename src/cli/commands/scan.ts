/**
 * `portcullis scan TARGET`: known vulnerabilities in an image, directory or SBOM, matched against the
 * local advisory database, with suppression by ignore file and OpenVEX, and an exit code for CI.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { PortcullisError } from '../../core/index.ts';
import {
  buildScanReport,
  exitCodeFor,
  formatJunit,
  formatSarif,
  formatScanCycloneDx,
  formatScanJson,
  formatScanTable,
  parseIgnoreFile,
  parseOpenVex,
  type IgnoreEntry,
  type ScanReport,
  type VexDocument,
} from '../../scan/report/index.ts';
import { inventoryForScan } from '../../scan/scan-target.ts';
import type { Inventory } from '../../inventory/index.ts';
import {
  findingsAtOrAbove,
  formatSecretsJson,
  formatSecretsSarif,
  formatSecretsTable,
  loadAllowList,
  scanSecrets,
  type SecretScanResult,
} from '../../secrets/index.ts';
import { PREDICATE_TYPES } from '../../signing/index.ts';
import { SEVERITY_ORDER, matchInventory, type Severity } from '../../vuln/index.ts';
import { defaultDatabasePath, openAdvisoryStore } from '../../vuln/store/index.ts';
import {
  GLOBAL_OPTIONS,
  GLOBAL_OPTIONS_HELP,
  IMAGE_OPTIONS,
  IMAGE_OPTIONS_HELP,
  choice,
  loggerFor,
  parseCommandLine,
  singlePositional,
  readImageOptions,
  usageError,
} from '../args.ts';
import { writeReport } from '../output.ts';
import { ATTEST_OPTIONS, ATTEST_OPTIONS_HELP, attachPredicate, attestRequest, attestationNote, vulnPredicate } from './attest-shared.ts';
import { createProgressBar } from '../progress.ts';
import { PORTCULLIS_VERSION } from '../version.ts';

const FORMATS = ['table', 'json', 'sarif', 'cyclonedx', 'junit'] as const;
const LEVELS = SEVERITY_ORDER.filter((level) => level !== 'NONE');
const DEFAULT_IGNORE_FILE = '.portcullisignore.yaml';
const SCANNERS = ['vuln', 'secret', 'pii'] as const;
type Scanner = (typeof SCANNERS)[number];

export const SCAN_HELP = `Usage: portcullis scan TARGET [options]

Finds known vulnerabilities in an image, a directory or an SBOM (CycloneDX or SPDX JSON from any
tool), matched against the local advisory database (see 'portcullis db').

TARGET is any target 'portcullis sbom' reads, or an SBOM file.

Options:
      --scanners LIST      vuln (default), secret, pii: what to look for; secret and pii run the
                           'portcullis secrets' scanner over every layer (pii implies secret)
  -f, --format FORMAT      table (default), json, sarif (SARIF 2.1.0), cyclonedx (SBOM with a
                           vulnerabilities section), junit; with secret scanning: table, json, sarif
      --db FILE            advisory database (default: $PORTCULLIS_DB, then the user cache)
      --severity LIST      report only these levels, e.g. HIGH,CRITICAL
      --fail-on LEVEL      exit 1 when a finding at or above LEVEL remains (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN)
      --ignore-unfixed     hide findings with no fixed version
      --pkg-types LIST     os, library, or both (default os,library)
      --ignorefile FILE    suppression file (default ${DEFAULT_IGNORE_FILE} when it exists)
      --vex FILE           OpenVEX document; not_affected/fixed statements suppress (repeatable)
      --allowlist FILE     secret scanning: YAML allow-list (see 'portcullis secrets --help')

${ATTEST_OPTIONS_HELP}

${IMAGE_OPTIONS_HELP}

${GLOBAL_OPTIONS_HELP}`;

const SCAN_OPTIONS = {
  ...GLOBAL_OPTIONS,
  ...IMAGE_OPTIONS,
  ...ATTEST_OPTIONS,
  db: { type: 'string' },
  severity: { type: 'string' },
  'fail-on': { type: 'string' },
  'ignore-unfixed': { type: 'boolean' },
  'pkg-types': { type: 'string' },
  ignorefile: { type: 'string' },
  vex: { type: 'string', multiple: true },
  scanners: { type: 'string' },
  allowlist: { type: 'string' },
} as const;

function severityList(value: string | undefined): Severity[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((level) => choice('severity', level.trim().toUpperCase(), LEVELS, 'UNKNOWN'));
}

function pkgTypes(value: string | undefined): Array<'os' | 'library'> | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((type) => choice('pkg-types', type.trim(), ['os', 'library'] as const, 'os'));
}

function scannerList(value: string | undefined): Set<Scanner> {
  const scanners = new Set((value ?? 'vuln').split(',').map((name) => choice('scanners', name.trim(), SCANNERS, 'vuln')));
  if (scanners.has('pii')) scanners.add('secret');
  return scanners;
}

export async function readIgnores(path: string | undefined): Promise<IgnoreEntry[]> {
  const file = path ?? (existsSync(DEFAULT_IGNORE_FILE) ? DEFAULT_IGNORE_FILE : undefined);
  if (file === undefined) return [];
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new PortcullisError('NOT_FOUND', `cannot read ignore file ${file}: ${error.code ?? error.message}`);
  });
  return parseIgnoreFile(bytes, file);
}

export async function readVex(paths: readonly string[]): Promise<VexDocument[]> {
  const documents: VexDocument[] = [];
  for (const path of paths) {
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new PortcullisError('NOT_FOUND', `cannot read VEX document ${path}: ${error.code ?? error.message}`);
    });
    documents.push(parseOpenVex(bytes, path));
  }
  return documents;
}

type Format = (typeof FORMATS)[number];

function renderVulnerabilities(format: Format, report: ScanReport, inventory: Inventory, failOn: Severity | undefined, color: boolean): string {
  switch (format) {
    case 'table':
      return formatScanTable(report, { color, width: process.stdout.columns ?? 120 });
    case 'json':
      return formatScanJson(report);
    case 'sarif':
      return formatSarif(report);
    case 'cyclonedx':
      return formatScanCycloneDx(report, { inventory, toolVersion: PORTCULLIS_VERSION });
    case 'junit':
      return formatJunit(report, failOn === undefined ? { inventory } : { inventory, failOn });
  }
}

function renderSecrets(format: Format, result: SecretScanResult, color: boolean): string {
  switch (format) {
    case 'table':
      return formatSecretsTable(result, { color });
    case 'json':
      return formatSecretsJson(result);
    case 'sarif':
      return formatSecretsSarif(result, { toolVersion: PORTCULLIS_VERSION });
    case 'cyclonedx':
    case 'junit':
      throw secretFormatError(format);
  }
}

function secretFormatError(format: Format) {
  return usageError(`--format ${format} carries vulnerabilities only; use table, json or sarif with --scanners secret/pii`);
}

/**
 * Both scanners' results in one document: tables one after the other, the secrets result as a
 * `secrets` member of the scan JSON, and one SARIF log with a run per scanner.
 */
function combine(format: Format, vulnerabilities: string, secrets: string): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify({ ...JSON.parse(vulnerabilities), secrets: JSON.parse(secrets) }, null, 2)}\n`;
    case 'sarif': {
      const log = JSON.parse(vulnerabilities) as { runs: unknown[] };
      log.runs.push(...(JSON.parse(secrets) as { runs: unknown[] }).runs);
      return `${JSON.stringify(log, null, 2)}\n`;
    }
    case 'table':
    case 'cyclonedx':
    case 'junit':
      return `${vulnerabilities.trimEnd()}\n\n${secrets}`;
  }
}

/** The advisory database's path, checked before any scanning starts. */
export function requireDatabase(flag: string | undefined): string {
  const path = defaultDatabasePath(flag);
  if (!existsSync(path)) {
    throw new PortcullisError('NOT_FOUND', `no advisory database at ${path}: run 'portcullis db update' (online) or 'portcullis db import PATH' (offline) first`);
  }
  return path;
}

export function findVulnerabilities(inventory: Inventory, databasePath: string, options: Parameters<typeof matchInventory>[2]) {
  const store = openAdvisoryStore(databasePath, { readOnly: true });
  try {
    return matchInventory(inventory, store, options);
  } finally {
    store.close();
  }
}

export async function scanCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, SCAN_OPTIONS);
  if (values.help) {
    process.stdout.write(`${SCAN_HELP}\n`);
    return 0;
  }
  const target = singlePositional(positionals, 'scan', 'TARGET');
  const format = choice('format', values.format, FORMATS, 'table');
  const failOn = values['fail-on'] === undefined ? undefined : choice('fail-on', values['fail-on'].toUpperCase(), LEVELS, 'UNKNOWN');
  const severities = severityList(values.severity);
  const types = pkgTypes(values['pkg-types']);
  const logger = loggerFor(values);
  const ignores = await readIgnores(values.ignorefile);
  const vex = await readVex(values.vex ?? []);

  const scanners = scannerList(values.scanners);
  if (values.attest && !scanners.has('vuln')) throw usageError('--attest attaches the vulnerability scan: include vuln in --scanners');
  const attest = await attestRequest('scan', target, values);
  if (scanners.has('secret') && (format === 'cyclonedx' || format === 'junit')) throw secretFormatError(format);
  const databasePath = scanners.has('vuln') ? requireDatabase(values.db) : undefined;
  const color = !values.output && process.stdout.isTTY === true;
  const imageOptions = { ...readImageOptions(values), logger };
  const progress = createProgressBar(process.stderr, !values.quiet && !values.debug);

  const secrets = scanners.has('secret')
    ? await scanSecrets(target, {
        ...imageOptions,
        pii: scanners.has('pii'),
        ...(values.allowlist !== undefined && { allowList: await loadAllowList(values.allowlist) }),
      })
    : undefined;
  const secretsText = secrets && renderSecrets(format, secrets, color);
  const secretsFail = secrets !== undefined && failOn !== undefined && failOn !== 'UNKNOWN' && findingsAtOrAbove(secrets.findings, failOn).length > 0;
  if (databasePath === undefined) {
    await writeReport(secretsText!, values.output);
    return secretsFail ? 1 : 0;
  }

  const startedOn = new Date();
  const inventory = await inventoryForScan(target, { ...imageOptions, onProgress: progress });
  const findings = findVulnerabilities(inventory, databasePath, {
    ...(values['ignore-unfixed'] ? { ignoreUnfixed: true } : {}),
    ...(types ? { pkgTypes: types } : {}),
    ...(severities ? { severities } : {}),
    warn: (message) => logger.warn(message),
  });
  const report = buildScanReport({ inventory, findings, toolVersion: PORTCULLIS_VERSION, ignores, vex });
  for (const expired of report.expiredIgnores) logger.warn(`ignore entry for ${expired.entry.id} expired on ${expired.entry.expires}: it no longer applies`);
  if (attest !== undefined) {
    const predicate = vulnPredicate(report, { databasePath, startedOn, finishedOn: new Date() });
    const attested = await attachPredicate(attest.reference, report.target.imageDigest, attest.signer, PREDICATE_TYPES.vuln!, predicate, { ...imageOptions, logger });
    if (!values.quiet) process.stderr.write(attestationNote(attested, PREDICATE_TYPES.vuln!));
  }
  const vulnerabilitiesText = renderVulnerabilities(format, report, inventory, failOn, color);
  await writeReport(secretsText === undefined ? vulnerabilitiesText : combine(format, vulnerabilitiesText, secretsText), values.output);
  return exitCodeFor(report, failOn) === 1 || secretsFail ? 1 : 0;
}
