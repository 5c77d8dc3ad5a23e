/**
 * lang/java-archive: Maven artifacts in Java archives (jar, war, ear and plugin archives) and in
 * the archives nested inside them. The archive is read whole (bounded by maxFileBytes): ZIP keeps
 * its directory at the end, so it cannot be read as a stream.
 */
import { isPortcullisError } from '../../../core/index.ts';
import type { Extractor, ExtractorFile, ExtractContext, ExtractResult, FileInfo } from '../../extractor.ts';
import { DEFAULT_ARCHIVE_LIMITS, JAVA_ARCHIVE_NAME, fileNamePackages, inventoryArchive } from './archive.ts';

function fileRequired(file: FileInfo): boolean {
  return JAVA_ARCHIVE_NAME.test(file.path);
}

async function extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
  let bytes: Buffer;
  try {
    bytes = await file.read();
  } catch (error) {
    if (!isPortcullisError(error) || error.code !== 'LIMIT') throw error;
    context.warn(`${file.path}: ${error.message}; identified by its file name only`);
    return { packages: fileNamePackages(file.path) };
  }
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxInflatedBytes: context.maxFileBytes };
  return { packages: inventoryArchive(bytes, file.path, limits, (message) => context.warn(message)) };
}

export const javaArchiveExtractor: Extractor = {
  name: 'lang/java-archive',
  version: 1,
  fileRequired,
  extract,
};
