/**
 * npm packages installed on disk: each `node_modules/<name>/package.json` (or
 * `node_modules/@scope/<name>/package.json`) at any depth is one installed package, and so is each
 * package directory of Debian's Node.js roots (`usr/share/nodejs/<name>/package.json`). A package.json
 * outside any node_modules directory is an application (or a workspace member): it is reported as a
 * root package when it has a name and a version, so matching can tell it apart.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { isRecord, text } from '../support/fields.ts';
import { languagePackage } from '../support/packages.ts';
import { parseJson, readText } from '../support/file-content.ts';
import { isUnderDebianNodeRoot, nameFromDebianPath, nameFromInstallPath, npmLicenses, splitNpmName } from './names.ts';

const MANIFEST = 'package.json';

/** Where a package.json sits: directly in a package directory under node_modules, outside any, or neither. */
type ManifestRole = 'dependency' | 'application' | 'other';

function manifestRole(path: string): ManifestRole {
  if (path !== MANIFEST && !path.endsWith(`/${MANIFEST}`)) return 'other';
  const directory = path.slice(0, -MANIFEST.length - 1);
  if (directory.split('/').includes('node_modules')) {
    // Hidden entries (.bin, .pnpm, .cache) hold tooling, not packages.
    return nameFromInstallPath(directory) !== undefined ? 'dependency' : 'other';
  }
  if (isUnderDebianNodeRoot(directory)) return nameFromDebianPath(directory) !== undefined ? 'dependency' : 'other';
  return 'application';
}

export const npmInstalledExtractor: Extractor = {
  name: 'lang/npm-installed',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return manifestRole(file.path) !== 'other';
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const role = manifestRole(file.path);
    const content = await readText(file, context);
    if (content === undefined) return { packages: [] };
    const manifest = parseJson(content, context);
    if (manifest === undefined) return { packages: [] };
    if (!isRecord(manifest)) {
      context.warn('package.json is not a JSON object');
      return { packages: [] };
    }
    const fullName = text(manifest['name']);
    const version = text(manifest['version']);
    if (fullName === undefined || version === undefined) {
      // An application without a name or version is common and not a problem; an installed one is.
      if (role === 'dependency') context.warn(`installed package.json has no ${fullName === undefined ? 'name' : 'version'}; skipped`);
      return { packages: [] };
    }
    const pkg = languagePackage(
      { type: 'npm', ...splitNpmName(fullName), version, licenses: npmLicenses(manifest), isRoot: role === 'application' },
      file.path,
    );
    return { packages: [pkg] };
  },
};
