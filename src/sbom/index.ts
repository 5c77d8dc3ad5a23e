/**
 * SBOM and inventory output formats: CycloneDX 1.6 JSON, SPDX 2.3 JSON, Portcullis's own inventory
 * JSON and a table for people. Each is a pure function of an Inventory (plus pinned options); the
 * same input always gives the same bytes.
 */
export { CYCLONEDX_PROPERTY, formatCycloneDx } from './cyclonedx.ts';
export { SPDX_NAMESPACE_PREFIX, formatSpdx } from './spdx.ts';
export { formatInventoryJson } from './inventory-json.ts';
export { type TableOptions, formatTable } from './table.ts';
export type { SbomOptions } from './target.ts';
