/**
 * Portcullis' library API: the building blocks the CLI and server are made of, for scripts that
 * drive them directly (docs/api.md).
 */
export { PortcullisError, isPortcullisError, type ErrorCode } from './core/index.ts';
export { readImage } from './image/index.ts';
export type {
  ImageConfig,
  ImageLayer,
  ImagePlatform,
  OpenedDirectory,
  OpenedImage,
  OpenedTarget,
  ReadImageOptions,
  ReadLimits,
  WalkEntry,
} from './image/index.ts';
export { inventory, inventoryOf, type InventoryOptions, type ProgressEvent } from './scan/inventory.ts';
export type { ImageSummary, Inventory, LayerRef, OSInfo, Package, PackageType, Warning } from './inventory/index.ts';
export type { Extractor, ExtractorFile, ExtractResult, FileInfo } from './extract/extractor.ts';
export { defaultExtractors } from './extract/list.ts';
export { formatCycloneDx, formatInventoryJson, formatSpdx, formatTable } from './sbom/index.ts';
export { compareVersions } from './vuln/versions/index.ts';
export { matchInventory, type Finding, type MatchOptions, type Severity } from './vuln/index.ts';
export { openAdvisoryStore, type AdvisoryStore } from './vuln/store/index.ts';
export { importPaths } from './vuln/sources/index.ts';
export { inventoryForScan } from './scan/scan-target.ts';
export { buildScanReport, type ScanReport } from './scan/report/index.ts';
export { readSbom } from './sbom/index.ts';
export { scanSecrets, type SecretScanResult, type SecretFinding } from './secrets/index.ts';
