/** SBOM files as scan input: CycloneDX and SPDX JSON from any producer, read into an Inventory. */
export { DEFAULT_MAX_SBOM_BYTES, DEFAULT_MAX_SBOM_PACKAGES, type ReadSbomOptions, readSbom } from './read.ts';
