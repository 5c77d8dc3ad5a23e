/**
 * Formatters for lint reports, shared by every kind of configuration check (Dockerfiles,
 * Kubernetes manifests): a table for people, JSON for programs, SARIF for code scanning, JUnit for
 * CI test views, and the exit code from `--fail-on`. Each is a pure function of a LintReport.
 */
export { type LintTableOptions, formatLintTable } from './table.ts';
export { LINT_JSON_SCHEMA_VERSION, formatLintJson } from './json.ts';
export { LINT_SARIF_SCHEMA, type LintSarifOptions, formatLintSarif } from './sarif.ts';
export { type LintJunitOptions, formatLintJunit } from './junit.ts';
export { lintExitCode } from './exit-code.ts';
export { type SeverityCounts, countBySeverity, reportedFindings } from './summary.ts';
