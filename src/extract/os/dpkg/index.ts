/**
 * os/dpkg: Debian and Ubuntu packages. Reads the dpkg status database, the per-package control
 * files distroless images keep in var/lib/dpkg/status.d/ instead, and the info/*.list files that
 * say which package owns which path.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { limitWarnings, readWhole } from '../file-text.ts';
import { isFileList, readFileList } from './file-list.ts';
import { readStatusFile } from './status.ts';

const STATUS_FILE = 'var/lib/dpkg/status';
/** var/lib/dpkg/status.d/<package>, but not the <package>.md5sums files beside them. */
const DISTROLESS_STATUS = /^var\/lib\/dpkg\/status\.d\/[^/]+$/;

function isDistrolessStatus(path: string): boolean {
  return DISTROLESS_STATUS.test(path) && !path.endsWith('.md5sums');
}

export const dpkgExtractor: Extractor = {
  name: 'os/dpkg',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return file.path === STATUS_FILE || isDistrolessStatus(file.path) || isFileList(file.path);
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readWhole(file, context);
    if (content === undefined) return { packages: [] };
    if (isFileList(file.path)) {
      const ownership = readFileList(file.path, content, context);
      return { packages: [], ...(ownership ? { fileOwnership: [ownership] } : {}) };
    }
    const limited = limitWarnings(context);
    const installedWithoutStatus = file.path !== STATUS_FILE;
    const packages = readStatusFile(file.path, content, { installedWithoutStatus }, limited);
    limited.finish();
    return { packages };
  },
};
