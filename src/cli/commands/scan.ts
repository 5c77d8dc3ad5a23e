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
  readImageOptions,
  usageError,
} from '../args.ts';
import { writeReport } from '../output.ts';
import { createProgressBar } from '../progress.ts';
import { PORTCULLIS_VERSION } from '../version.ts';

const FORMATS = ['table', 'json', 'sarif', 'cyclonedx', 'junit'] as const;
const LEVELS = SEVERITY_ORDER.filter((level) => level !== 'NONE');
const DEFAULT_IGNORE_FILE = '.portcullisignore.yaml';

export const SCAN_HELP = `Usage: portcullis scan TARGET [options]

Finds known vulnerabilities in an image, a directory or an SBOM (CycloneDX or SPDX JSON from any
tool), matched against the local advisory database (see 'portcullis db').

TARGET is any target 'portcullis sbom' reads, or an SBOM file.

Options:
  -f, --format FORMAT      table (default), json, sarif (SARIF 2.1.0), cyclonedx (SBOM with a
                           vulnerabilities section), junit
      --db FILE            advisory database (default: $PORTCULLIS_DB, then the user cache)
      --severity LIST      report only these levels, e.g. HIGH,CRITICAL
      --fail-on LEVEL      exit 1 when a finding at or above LEVEL remains (CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN)
      --ignore-unfixed     hide findings with no fixed version
      --pkg-types LIST     os, library, or both (default os,library)
      --ignorefile FILE    suppression file (default ${DEFAULT_IGNORE_FILE} when it exists)
      --vex FILE           OpenVEX document; not_affected/fixed statements suppress (repeatable)

${IMAGE_OPTIONS_HELP}

${GLOBAL_OPTIONS_HELP}`;

const SCAN_OPTIONS = {
  ...GLOBAL_OPTIONS,
  ...IMAGE_OPTIONS,
  db: { type: 'string' },
  severity: { type: 'string' },
  'fail-on': { type: 'string' },
  'ignore-unfixed': { type: 'boolean' },
  'pkg-types': { type: 'string' },
  ignorefile: { type: 'string' },
  vex: { type: 'string', multiple: true },
} as const;

function severityList(value: string | undefined): Severity[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((level) => choice('severity', level.trim().toUpperCase(), LEVELS, 'UNKNOWN'));
}

function pkgTypes(value: string | undefined): Array<'os' | 'library'> | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((type) => choice('pkg-types', type.trim(), ['os', 'library'] as const, 'os'));
}

async function readIgnores(path: string | undefined): Promise<IgnoreEntry[]> {
  const file = path ?? (existsSync(DEFAULT_IGNORE_FILE) ? DEFAULT_IGNORE_FILE : undefined);
  if (file === undefined) return [];
  const bytes = await readFile(file).catch((error: NodeJS.ErrnoException) => {
    throw new PortcullisError('NOT_FOUND', `cannot read ignore file ${file}: ${error.code ?? error.message}`);
  });
  return parseIgnoreFile(bytes, file);
}

async function readVex(paths: readonly string[]): Promise<VexDocument[]> {
  const documents: VexDocument[] = [];
  for (const path of paths) {
    const bytes = await readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new PortcullisError('NOT_FOUND', `cannot read VEX document ${path}: ${error.code ?? error.message}`);
    });
    documents.push(parseOpenVex(bytes, path));
  }
  return documents;
}

function render(format: (typeof FORMATS)[number], report: ScanReport, inventory: Inventory, failOn: Severity | undefined, color: boolean): string {
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

export async function scanCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, SCAN_OPTIONS);
  if (values.help) {
    process.stdout.write(`${SCAN_HELP}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw usageError('scan takes exactly one TARGET (see portcullis scan --help)');
  const format = choice('format', values.format, FORMATS, 'table');
  const failOn = values['fail-on'] === undefined ? undefined : choice('fail-on', values['fail-on'].toUpperCase(), LEVELS, 'UNKNOWN');
  const severities = severityList(values.severity);
  const types = pkgTypes(values['pkg-types']);
  const logger = loggerFor(values);
  const ignores = await readIgnores(values.ignorefile);
  const vex = await readVex(values.vex ?? []);

  const databasePath = defaultDatabasePath(values.db);
  if (!existsSync(databasePath)) {
    throw new PortcullisError('NOT_FOUND', `no advisory database at ${databasePath}: run 'portcullis db update' (online) or 'portcullis db import PATH' (offline) first`);
  }
  const store = openAdvisoryStore(databasePath, { readOnly: true });
  try {
    const inventory = await inventoryForScan(positionals[0]!, {
      ...readImageOptions(values),
      logger,
      onProgress: createProgressBar(process.stderr, !values.quiet && !values.debug),
    });
    const findings = matchInventory(inventory, store, {
      ...(values['ignore-unfixed'] ? { ignoreUnfixed: true } : {}),
      ...(types ? { pkgTypes: types } : {}),
      ...(severities ? { severities } : {}),
      warn: (message) => logger.warn(message),
    });
    const report = buildScanReport({ inventory, findings, toolVersion: PORTCULLIS_VERSION, ignores, vex });
    for (const expired of report.expiredIgnores) logger.warn(`ignore entry for ${expired.entry.id} expired on ${expired.entry.expires}: it no longer applies`);
    await writeReport(render(format, report, inventory, failOn, !values.output && process.stdout.isTTY === true), values.output);
    return exitCodeFor(report, failOn);
  } finally {
    store.close();
  }
}
