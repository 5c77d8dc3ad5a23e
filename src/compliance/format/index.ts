/**
 * Compliance report formatters: table, JSON, SARIF 2.1.0, JUnit XML. Each is a pure function of a
 * ComplianceReport.
 */
export { type ComplianceTableOptions, evidenceLine, formatComplianceTable } from './table.ts';
export { formatComplianceJson } from './json.ts';
export { COMPLIANCE_SARIF_SCHEMA, formatComplianceSarif } from './sarif.ts';
export { formatComplianceJunit } from './junit.ts';
