/**
 * os/os-release: the operating system a target declares. Reads etc/os-release and
 * usr/lib/os-release, and the one-line release files of images that have neither. Each file gives
 * its own OSInfo with the file as `source`; precedence.ts says which one wins.
 */
import type { OSInfo } from '../../../inventory/index.ts';
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { decodeUtf8, readWhole } from '../file-text.ts';
import { parseAlpineRelease, parseDebianVersion, parseRedhatRelease, type ReleaseFileResult } from './fallbacks.ts';
import { parseOsRelease } from './parse.ts';

/** Release files are a few hundred bytes; anything past this is not one. */
const MAX_RELEASE_FILE_BYTES = 64 * 1024;

const PARSERS: Record<string, (text: string) => ReleaseFileResult> = {
  'etc/os-release': fromOsRelease,
  'usr/lib/os-release': fromOsRelease,
  'etc/alpine-release': parseAlpineRelease,
  'etc/debian_version': parseDebianVersion,
  'etc/redhat-release': parseRedhatRelease,
};

export const osReleaseExtractor: Extractor = {
  name: 'os/os-release',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return Object.hasOwn(PARSERS, file.path);
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const parse = PARSERS[file.path];
    const bytes = parse ? await readWhole(file, context, Math.min(MAX_RELEASE_FILE_BYTES, context.maxFileBytes)) : undefined;
    if (!parse || !bytes) return { packages: [] };
    const text = decodeUtf8(bytes);
    if (text === undefined) {
      context.warn('not valid UTF-8; ignored');
      return { packages: [] };
    }
    const parsed = parse(text);
    if ('error' in parsed) {
      context.warn(`${parsed.error}; ignored`);
      return { packages: [] };
    }
    for (const problem of parsed.problems ?? []) context.warn(`${problem}; line skipped`);
    return { packages: [], os: { ...parsed.os, source: file.path } };
  },
};

/** The os-release fields an inventory keeps; a missing ID means "linux" (os-release(5)). */
function fromOsRelease(text: string): ReleaseFileResult {
  const { fields, problems } = parseOsRelease(text);
  const os: Omit<OSInfo, 'source'> = { id: (fields.get('ID') || 'linux').toLowerCase() };
  const versionId = fields.get('VERSION_ID');
  const codename = fields.get('VERSION_CODENAME') || fields.get('UBUNTU_CODENAME');
  const prettyName = fields.get('PRETTY_NAME');
  if (versionId) os.versionId = versionId;
  if (codename) os.codename = codename;
  if (prettyName) os.prettyName = prettyName;
  return { os, problems };
}
