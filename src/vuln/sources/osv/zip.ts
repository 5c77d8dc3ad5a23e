/**
 * The `.json` entries of an OSV `all.zip` export, read as carefully as any untrusted archive:
 * bounded entry count, declared and actual sizes, total expansion and compression ratio. yauzl
 * reads the central directory and checks each entry's actual size against the declared one.
 */
import type { Readable } from 'node:stream';
import { openPromise, type Entry, type ZipFile } from 'yauzl';
import { PortcullisError, inputError } from '../../../core/index.ts';
import type { SourceLimits } from '../types.ts';

/** Entries below this size are exempt from the ratio check: tiny JSON compresses very well. */
const RATIO_EXEMPT_BYTES = 1024 ** 2;

export interface ZipJsonEntry {
  name: string;
  bytes: Buffer;
}

async function readAll(stream: Readable, name: string, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new PortcullisError('LIMIT', `${name} expands past the ${maxBytes}-byte limit`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function checkEntry(entry: Entry, name: string, limits: SourceLimits): void {
  const size = entry.uncompressedSize;
  if (size > limits.maxRecordBytes) {
    throw new PortcullisError('LIMIT', `${name} declares ${size} bytes, over the ${limits.maxRecordBytes}-byte limit for one record`);
  }
  if (size > RATIO_EXEMPT_BYTES && size / Math.max(1, entry.compressedSize) > limits.maxZipRatio) {
    throw new PortcullisError('LIMIT', `${name} has a compression ratio over ${limits.maxZipRatio}:1 (a zip bomb?)`);
  }
}

export async function* zipJsonEntries(file: string, limits: SourceLimits): AsyncGenerator<ZipJsonEntry> {
  let zip: ZipFile;
  try {
    // Names are decoded by hand (decodeStrings: false) so an odd name skips one entry, not the archive.
    zip = await openPromise(file, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true, autoClose: false });
  } catch (error) {
    throw inputError(`${file}: not a readable zip archive: ${(error as Error).message}`, error);
  }
  try {
    if (zip.entryCount > limits.maxZipEntries) {
      throw new PortcullisError('LIMIT', `${file} lists ${zip.entryCount} entries, over the ${limits.maxZipEntries}-entry limit`);
    }
    let expanded = 0;
    try {
      for await (const entry of zip.eachEntry()) {
        const name = `${file}:${Buffer.from(entry.fileName as unknown as Buffer).toString('utf8')}`;
        if (!name.endsWith('.json')) continue;
        checkEntry(entry, name, limits);
        expanded += entry.uncompressedSize;
        if (expanded > limits.maxZipBytes) {
          throw new PortcullisError('LIMIT', `${file} expands past the ${limits.maxZipBytes}-byte limit`);
        }
        if (entry.isEncrypted()) throw new PortcullisError('UNSUPPORTED', `${name} is encrypted`);
        const bytes = await readAll(await zip.openReadStreamPromise(entry), name, entry.uncompressedSize);
        yield { name, bytes };
      }
    } catch (error) {
      if (error instanceof PortcullisError) throw error;
      throw inputError(`${file}: corrupt zip archive: ${(error as Error).message}`, error);
    }
  } finally {
    zip.close();
  }
}
