/** Report formats of the secret scanner: table, JSON and SARIF 2.1.0. */
export { formatSecretsTable, type SecretsTableOptions } from './table.ts';
export { formatSecretsJson } from './json.ts';
export { formatSecretsSarif, type SarifOptions } from './sarif.ts';
export { findingsAtOrAbove } from './describe.ts';
