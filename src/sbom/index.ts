/**
 * SBOM and inventory output formats: CycloneDX 1.6 JSON, SPDX 2.3 JSON, Portcullis's own inventory
 * JSON and a table for people. Each is a pure function of an Inventory (plus pinned options); the
 * same input always gives the same bytes. `input/` reads CycloneDX and SPDX documents from any
 * producer back into an Inventory (SBOMs as scan input).
 */
export { CYCLONEDX_PROPERTY, formatCycloneDx } from './cyclonedx.ts';
export { SPDX_NAMESPACE_PREFIX, formatSpdx } from './spdx.ts';
export { formatInventoryJson } from './inventory-json.ts';
export { type TableOptions, formatTable } from './table.ts';
export type { SbomOptions } from './target.ts';
export { displayName, layerLabel } from './display.ts';
export { compareText, packageKey } from './order.ts';
export { fit as fitToWidth, printable } from './table.ts';
export { DEFAULT_MAX_SBOM_BYTES, DEFAULT_MAX_SBOM_PACKAGES, type ReadSbomOptions, readSbom } from './input/index.ts';
export { COLUMN_GAP, COLUMN_INDENT, columnWidths, fitLastColumn, painter, renderColumns, type TextStyle } from './columns.ts';
