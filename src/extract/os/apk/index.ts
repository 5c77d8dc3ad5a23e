/**
 * os/apk: Alpine (and Wolfi) packages from apk's installed database, with the files each owns.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { limitWarnings, readWhole } from '../file-text.ts';
import { readInstalledDatabase } from './installed.ts';

/** lib/apk/db/installed, and its /usr-merged location. */
const DATABASES = new Set(['lib/apk/db/installed', 'usr/lib/apk/db/installed']);

export const apkExtractor: Extractor = {
  name: 'os/apk',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return DATABASES.has(file.path);
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readWhole(file, context);
    if (content === undefined) return { packages: [] };
    const limited = limitWarnings(context);
    const { packages, fileOwnership } = readInstalledDatabase(file.path, content, limited);
    limited.finish();
    return { packages, fileOwnership };
  },
};
