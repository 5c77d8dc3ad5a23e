/**
 * pip requirements files (requirements*.txt). Only exact pins (`name==version`, `name===version`)
 * name an installed version; ranges, URLs, editables and options (-r, -c, --hash, ...) do not, so
 * they are not packages. Extras and environment markers are stripped.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { PackageCollector } from '../support/packages.ts';
import { baseName } from '../support/paths.ts';
import { readText } from '../support/file-content.ts';

/**
 * PEP 508 name, optional [extras], then an exact pin; a trailing `;` starts environment markers.
 * No two adjacent quantifiers can match the same blanks, so hostile lines cannot make it backtrack.
 */
const PINNED = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[[^\]]*\]\s*)?===?\s*([A-Za-z0-9][A-Za-z0-9.+!_-]*)\s*(?:;.*)?$/;

function isRequirementsPath(path: string): boolean {
  const name = baseName(path);
  return name.startsWith('requirements') && name.endsWith('.txt');
}

/** Logical lines: backslash continuations joined, comments (a '#' at the start or after a blank) removed. */
function logicalLines(content: string): string[] {
  return content
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.replace(/(^|\s)#.*$/, '').trim())
    .filter((line) => line !== '');
}

export const requirementsExtractor: Extractor = {
  name: 'lang/requirements',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return isRequirementsPath(file.path);
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    if (content === undefined) return { packages: [] };
    const collector = new PackageCollector(file.path);
    for (const line of logicalLines(content)) {
      if (line.startsWith('-')) continue;
      // Per-requirement options (--hash, --global-option) follow the requirement itself. (A plain
      // search, not a `\s+` split: that backtracks quadratically on long runs of blanks.)
      const option = line.search(/\s-/);
      const requirement = option === -1 ? line : line.slice(0, option);
      const match = PINNED.exec(requirement);
      if (match === null || match[1] === undefined || match[2] === undefined) continue;
      collector.add({ type: 'pypi', name: match[1], version: match[2] });
    }
    return { packages: collector.packages };
  },
};
