/**
 * Test helpers for advisory sources: where the shared real advisory data lives, reading a source
 * into plain arrays with its warnings, and a small ZIP writer for hand-made (and hostile) archives.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32, deflateRawSync } from 'node:zlib';
import { DEFAULT_SOURCE_LIMITS, type AdvisoryRecord, type AdvisorySource, type SourceLimits } from './types.ts';

/** The checkout's root (this file is src/vuln/sources/testing.ts). */
const REPO_ROOT = new URL('../../../', import.meta.url);

/** A path inside the shared real advisory data (../shared/vulndata beside the checkout). */
export function vulndata(relative = ''): string {
  const root = new URL('../shared/vulndata/', REPO_ROOT);
  if (!existsSync(root)) {
    throw new Error(`the shared advisory data is missing: expected it at ${fileURLToPath(root)} (../shared/vulndata beside the checkout)`);
  }
  return fileURLToPath(new URL(relative, root));
}

export interface Collected {
  records: AdvisoryRecord[];
  warnings: string[];
  skipped: Array<{ file: string; reason: string }>;
  withdrawn: string[];
}

export async function collect(source: AdvisorySource, path: string, limits: Partial<SourceLimits> = {}): Promise<Collected> {
  const collected: Collected = { records: [], warnings: [], skipped: [], withdrawn: [] };
  const context = {
    limits: { ...DEFAULT_SOURCE_LIMITS, ...limits },
    warn: (message: string) => collected.warnings.push(message),
    skip: (file: string, reason: string) => collected.skipped.push({ file, reason }),
    withdrawn: (id: string) => collected.withdrawn.push(id),
  };
  for await (const record of source.read(path, context)) collected.records.push(record);
  return collected;
}

export interface ZipInput {
  name: string;
  data: Buffer;
  /** Sizes to declare instead of the real ones (to build lying archives). */
  declaredSize?: number;
}

/** A ZIP archive of deflated entries, written by hand so tests control every header field. */
export function buildZip(entries: readonly ZipInput[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6); // names are UTF-8
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(entry.data), 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(entry.data), 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
