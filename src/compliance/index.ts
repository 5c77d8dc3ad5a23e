/**
 * Compliance reporting: framework control catalogs as data (CIS Docker, CIS Kubernetes, NIST SP
 * 800-190), the report builder that decides each control from lint, secret and vulnerability
 * evidence, and its formatters. Other modules and the CLI import only from here.
 */
export * from './model.ts';
export { FRAMEWORKS } from './frameworks/index.ts';
export { type BuildComplianceInput, type ComplianceEvidence, buildComplianceReport, complianceExitCode, mapsTo, sourcesNeeded } from './build.ts';
export * from './format/index.ts';
