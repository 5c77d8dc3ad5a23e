/**
 * Opening an image archive file: refuses compressed archives with a message saying what to do
 * (byte-range reads need the tar itself), then indexes the tar headers. Also tells the two archive
 * kinds apart for target auto-detection, and serves the OCI layout an archive may hold.
 */
import { open } from 'node:fs/promises';
import { PortcullisError, digestAlgorithm, digestHex } from '../../core/index.ts';
import { TarIndex } from '../tar-index.ts';
import type { ReadLimits } from '../types.ts';
import type { OciLayoutStore } from './oci-image.ts';

const COMPRESSION_MAGIC: Array<{ name: string; tool: string; magic: Buffer }> = [
  { name: 'gzip', tool: 'gunzip', magic: Buffer.from([0x1f, 0x8b]) },
  { name: 'zstd', tool: 'unzstd', magic: Buffer.from([0x28, 0xb5, 0x2f, 0xfd]) },
  { name: 'xz', tool: 'unxz', magic: Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) },
  { name: 'bzip2', tool: 'bunzip2', magic: Buffer.from('BZh') },
];

export async function openArchiveIndex(file: string, limits: ReadLimits): Promise<TarIndex> {
  await refuseCompressed(file);
  return TarIndex.open(file, { maxEntries: limits.maxEntries });
}

/** Which image archive a tar file is: docker save output has manifest.json (and may also be a layout). */
export function archiveKind(archive: TarIndex): 'docker-archive' | 'oci-archive' | undefined {
  if (archive.has('manifest.json')) return 'docker-archive';
  if (archive.has('oci-layout')) return 'oci-archive';
  return undefined;
}

/** The OCI layout inside an archive: an oci-archive, or the one newer `docker save` writes. */
export function archiveLayoutStore(archive: TarIndex, location: string): OciLayoutStore {
  return {
    location,
    blobs: {
      async locate(digest: string) {
        const member = archive.resolveFile(`blobs/${digestAlgorithm(digest)}/${digestHex(digest)}`);
        return { size: member.size, createReadStream: () => archive.stream(member) };
      },
    },
    readTopFile: (name, maxBytes) => archive.readFile(name, maxBytes),
  };
}

async function refuseCompressed(file: string): Promise<void> {
  const head = Buffer.alloc(8);
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new PortcullisError(code === 'ENOENT' ? 'NOT_FOUND' : 'INPUT', `cannot open archive: ${code ?? 'error'}`, { cause: error });
  }
  try {
    await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  const format = COMPRESSION_MAGIC.find(({ magic }) => head.subarray(0, magic.length).equals(magic));
  if (format !== undefined) {
    throw new PortcullisError(
      'UNSUPPORTED',
      `the archive is ${format.name}-compressed; Portcullis reads image archives in place and needs the plain tar: ` +
        `run \`${format.tool} -k FILE\` and scan the result`,
    );
  }
}
