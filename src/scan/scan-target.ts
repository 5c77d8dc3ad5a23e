/**
 * What `portcullis scan` reads: an image or directory (inventoried layer by layer) or an SBOM file
 * from any tool (CycloneDX or SPDX JSON). Scanning an image and scanning its SBOM give the same
 * inventory, so they give the same findings.
 */
import { open, readFile, stat } from 'node:fs/promises';
import { PortcullisError } from '../core/index.ts';
import type { Inventory } from '../inventory/index.ts';
import { readSbom } from '../sbom/index.ts';
import { inventory, type InventoryOptions } from './inventory.ts';

/** Largest SBOM file read as scan input. */
const MAX_SBOM_BYTES = 512 * 1024 * 1024;

/** True when `target` names a regular file whose first non-blank byte opens a JSON object. */
async function isJsonFile(target: string): Promise<boolean> {
  const info = await stat(target).catch(() => undefined);
  if (!info?.isFile()) return false;
  const handle = await open(target, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return head.subarray(0, bytesRead).toString('utf8').replace(/^\uFEFF/, '').trimStart().startsWith('{');
  } finally {
    await handle.close();
  }
}

export async function inventoryForScan(target: string, options: InventoryOptions): Promise<Inventory> {
  if (!(await isJsonFile(target))) return inventory(target, options);
  const { size } = await stat(target);
  if (size > MAX_SBOM_BYTES) throw new PortcullisError('LIMIT', `${target}: ${size} bytes is over the ${MAX_SBOM_BYTES}-byte limit for SBOM files`);
  return readSbom(await readFile(target), target, { maxBytes: MAX_SBOM_BYTES });
}
