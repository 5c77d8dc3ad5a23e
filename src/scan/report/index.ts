/**
 * The scan report side: suppression (ignore file, OpenVEX), the report model and its formatters.
 * Everything here is a pure function of fully-read inputs; the `scan` command reads the files and
 * calls these.
 */
export type { ExpiredIgnore, IgnoreEntry, ReportedFinding, ScanReport, SeverityCounts, SuppressedFinding, Suppression, VexNote, VexStatus } from './model.ts';
export { MAX_IGNORE_FILE_BYTES, isExpired, parseIgnoreFile } from './ignore-file.ts';
export { MAX_VEX_BYTES, type VexDocument, type VexProduct, type VexStatement, parseOpenVex } from './vex.ts';
export { type BuildReportInput, buildScanReport, compareFindings, countBySeverity } from './build.ts';
export { type ScanTableOptions, formatScanTable } from './table.ts';
export { formatScanJson } from './json.ts';
export { SARIF_SCHEMA, formatSarif } from './sarif.ts';
export { type ScanCycloneDxOptions, formatScanCycloneDx } from './cyclonedx.ts';
export { type JunitOptions, formatJunit } from './junit.ts';
export { exitCodeFor } from './exit-code.ts';
