/**
 * Gemfile.lock: the resolved gems are the four-space indented `name (version)` lines under the
 * `specs:` of each GEM and GIT source section (PATH sections hold the project's own gems, reported
 * as roots). Platform-specific gems carry the platform after the version
 * ("nokogiri (1.15.4-x86_64-linux)"); it moves to metadata.platform.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { PackageCollector } from '../support/packages.ts';
import { baseName } from '../support/paths.ts';
import { readText } from '../support/file-content.ts';

const SPEC_LINE = /^ {4}([^\s(]+) \(([^()\s]+)\)$/;
const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH']);

export const gemfileLockExtractor: Extractor = {
  name: 'lang/gemfile-lock',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    const name = baseName(file.path);
    return name === 'Gemfile.lock' || name === 'gems.locked';
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    if (content === undefined) return { packages: [] };
    const collector = new PackageCollector(file.path);
    let section = '';
    let inSpecs = false;
    let unreadable = 0;
    for (const line of content.split(/\r?\n/)) {
      if (line.trim() === '') continue;
      if (!line.startsWith(' ')) {
        section = line.trim();
        inSpecs = false;
        continue;
      }
      if (!SOURCE_SECTIONS.has(section)) continue;
      if (/^ {2}\S/.test(line)) {
        inSpecs = line.trim() === 'specs:';
        continue;
      }
      // Six-space lines are the dependencies of the spec above, not resolved gems.
      if (!inSpecs || line.startsWith('      ')) continue;
      const match = SPEC_LINE.exec(line);
      if (match === null || match[1] === undefined || match[2] === undefined) {
        unreadable += 1;
        continue;
      }
      const [version = '', platform] = splitPlatform(match[2]);
      collector.add({
        type: 'gem',
        name: match[1],
        version,
        isRoot: section === 'PATH',
        metadata: platform === undefined ? undefined : { platform },
      });
    }
    if (unreadable > 0) context.warn(`${unreadable} unreadable spec line(s) in Gemfile.lock ignored`);
    return { packages: collector.packages };
  },
};

/** Gem versions never contain '-' (RubyGems rewrites it as ".pre."), so the first '-' starts the platform. */
function splitPlatform(value: string): [string, string | undefined] {
  const dash = value.indexOf('-');
  return dash <= 0 ? [value, undefined] : [value.slice(0, dash), value.slice(dash + 1)];
}
