/**
 * lang/go-binary: the modules compiled into a Go executable, read from the build info the Go
 * linker embeds (the inline format of Go 1.18+ and the pointer format of Go 1.13 to 1.17). The file
 * is streamed, never read whole.
 */
import type { Extractor, ExtractorFile, ExtractContext, ExtractResult, FileInfo } from '../../extractor.ts';
import { baseName } from '../support/paths.ts';
import { scanForBuildInfo } from './buildinfo-scan.ts';
import { parseModInfo } from './modinfo.ts';
import { goPackages } from './packages.ts';

/**
 * The smallest executable the Go toolchain links is well over 500 KiB; anything under 64 KiB is
 * not worth opening.
 */
export const MIN_GO_BINARY_BYTES = 64 * 1024;

/**
 * Executables that cannot be Go programs: scripts, and shared libraries and objects. Go can build
 * shared libraries (-buildmode=c-shared) with build info, but they are rare while ordinary .so
 * files are everywhere (and executable on some distributions); streaming each one is not worth it.
 */
const NOT_GO_EXECUTABLE = /\.(?:sh|bash|zsh|py|pl|pm|rb|js|php|lua|tcl|jar|txt|so|a|o)$|\.so\.[\d.]+$/i;

function fileRequired(file: FileInfo): boolean {
  return (file.mode & 0o111) !== 0 && file.size >= MIN_GO_BINARY_BYTES && !NOT_GO_EXECUTABLE.test(baseName(file.path));
}

async function extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
  const outcome = await scanForBuildInfo(file.stream());
  switch (outcome.kind) {
    case 'not-elf':
    case 'absent':
      return { packages: [] };
    case 'truncated':
      context.warn(`${file.path}: Go build info at offset ${outcome.offset} is cut short by the end of the file`);
      return { packages: [] };
    case 'invalid':
      context.warn(`${file.path}: Go build info at offset ${outcome.offset} not read: ${outcome.reason}`);
      return { packages: [] };
    case 'found':
      break;
  }
  const goVersion = decodeText(outcome.goVersion, 'toolchain version', file, context);
  const modinfo = decodeText(outcome.modinfo, 'module info', file, context);
  const info = parseModInfo(modinfo, (message) => context.warn(`${file.path}: ${message}`));
  return { packages: goPackages(goVersion, info, file.path) };
}

/** Go writes UTF-8; other bytes are replaced (with a warning) so the readable rest still counts. */
function decodeText(bytes: Buffer, what: string, file: ExtractorFile, context: ExtractContext): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    context.warn(`${file.path}: Go ${what} is not valid UTF-8; invalid bytes replaced`);
    return new TextDecoder('utf-8').decode(bytes);
  }
}

export const goBinaryExtractor: Extractor = {
  name: 'lang/go-binary',
  version: 1,
  fileRequired,
  extract,
};
