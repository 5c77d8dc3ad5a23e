/**
 * `readSbom`: an SBOM file given as scan input, in whichever format it is, read into the Inventory
 * every later stage (matching, reports) works on. The format is detected from the document itself
 * (`bomFormat` for CycloneDX, `spdxVersion` for SPDX), never from the file name.
 */
import { PortcullisError, inputError } from '../../core/index.ts';
import type { Inventory } from '../../inventory/index.ts';
import { decodeJsonDocument } from '../../oci/index.ts';
import { readCycloneDxDocument } from './cyclonedx.ts';
import { isJsonObject } from './fields.ts';
import { readSpdxDocument } from './spdx.ts';

export interface ReadSbomOptions {
  /** Largest document accepted, in bytes. Default 256 MiB (the largest file an extractor may read). */
  maxBytes?: number;
  /** Most components (CycloneDX) or packages (SPDX) accepted. Default 1,000,000. */
  maxPackages?: number;
}

export const DEFAULT_MAX_SBOM_BYTES = 256 * 1024 ** 2;
export const DEFAULT_MAX_SBOM_PACKAGES = 1_000_000;

/**
 * Reads a CycloneDX 1.4-1.6 or SPDX 2.2/2.3 JSON document. `source` names it in messages (a path).
 * Throws INPUT for malformed documents, UNSUPPORTED for other formats or versions, LIMIT for
 * oversized ones; entries that cannot be used (bad purl, wrong types) become warnings.
 */
export function readSbom(bytes: Buffer, source: string, options: ReadSbomOptions = {}): Inventory {
  const { maxBytes = DEFAULT_MAX_SBOM_BYTES, maxPackages = DEFAULT_MAX_SBOM_PACKAGES } = options;
  const document = decodeJsonDocument(bytes, `SBOM ${source}`, maxBytes);
  if (!isJsonObject(document)) throw inputError(`${source}: an SBOM must be a JSON object`);
  if (document['bomFormat'] === 'CycloneDX') return readCycloneDxDocument(document, source, maxPackages);
  if (typeof document['spdxVersion'] === 'string') return readSpdxDocument(document, source, maxPackages);
  throw new PortcullisError('UNSUPPORTED', `${source}: not a CycloneDX or SPDX JSON document (no bomFormat "CycloneDX" or spdxVersion)`);
}
