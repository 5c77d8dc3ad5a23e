/**
 * os/rpm: RPM packages from rpm's SQLite database, with the files each owns. Berkeley DB
 * (`Packages`) and NDB (`Packages.db`) databases are not read (see docs/extractors/os.md).
 */
import { isPortcullisError } from '../../../core/index.ts';
import type { ExtractedPackage } from '../../../inventory/index.ts';
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo, FileOwnership } from '../../extractor.ts';
import { limitWarnings, readWhole } from '../file-text.ts';
import { readInstalledRpm } from './package.ts';
import { forEachHeaderBlob, type HeaderRow } from './sqlite-db.ts';

/** Where rpm keeps its SQLite database: the classic path and the /usr "sysimage" one. */
const DATABASES = new Set(['var/lib/rpm/rpmdb.sqlite', 'usr/lib/sysimage/rpm/rpmdb.sqlite']);

export const rpmExtractor: Extractor = {
  name: 'os/rpm',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return DATABASES.has(file.path);
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const bytes = await readWhole(file, context);
    if (bytes === undefined) return { packages: [] };
    const limited = limitWarnings(context);
    const packages: ExtractedPackage[] = [];
    const fileOwnership: FileOwnership[] = [];
    const visit = ({ hnum, blob }: HeaderRow) => {
      try {
        const installed = readInstalledRpm(blob, file.path);
        if (!installed) return;
        packages.push(installed.pkg);
        fileOwnership.push(installed.ownership);
      } catch (error) {
        if (!isPortcullisError(error)) throw error;
        limited.warn(`header ${hnum}: ${error.message}; skipped`);
      }
    };
    const badRow = (hnum: unknown) => limited.warn(`header ${String(hnum)} is not a blob; skipped`);
    try {
      await forEachHeaderBlob(bytes, visit, badRow);
    } catch (error) {
      if (!isPortcullisError(error)) throw error;
      limited.warn(`${error.message}; packages read so far kept`);
    }
    limited.finish();
    return { packages, fileOwnership };
  },
};
