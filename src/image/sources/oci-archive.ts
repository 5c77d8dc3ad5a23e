/**
 * An OCI layout packed in a tar file (`oci-archive:FILE[:TAG]`), read in place: the archive's
 * headers are indexed once and every blob streams from its byte range.
 */
import { resolveLimits } from '../limits.ts';
import type { OpenedImage, ReadImageOptions } from '../types.ts';
import { archiveLayoutStore, openArchiveIndex } from './archive.ts';
import { withLocation } from './context.ts';
import { openOciImage } from './oci-image.ts';

export async function openOciArchive(reference: string, file: string, tag: string | undefined, options: ReadImageOptions = {}): Promise<OpenedImage> {
  const limits = resolveLimits(options.limits);
  return withLocation(file, async () => {
    const archive = await openArchiveIndex(file, limits);
    return openOciImage(
      archiveLayoutStore(archive, file),
      { reference, transport: 'oci-archive', ...(tag !== undefined && { tag }), options, limits, close: async () => {} },
    );
  });
}
