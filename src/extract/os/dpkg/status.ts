/**
 * Turns dpkg database paragraphs (var/lib/dpkg/status, or the one-paragraph-per-package files of
 * distroless images in var/lib/dpkg/status.d/) into packages, keeping only what dpkg considers
 * installed.
 */
import type { ExtractedPackage } from '../../../inventory/index.ts';
import type { ExtractContext } from '../../extractor.ts';
import { decodeUtf8, quoteForWarning, splitParagraphs } from '../file-text.ts';
import { parseControlParagraph } from './control.ts';

/** `want ok status` values of installed packages (held packages are installed too). */
const INSTALLED_STATUSES = new Set(['install ok installed', 'hold ok installed']);

/** dpkg's own rule for package names (lib/dpkg/parsehelp.c pkg_name_is_illegal). */
const PACKAGE_NAME = /^[A-Za-z0-9][A-Za-z0-9+.\-_]*$/;
/** `Source: name` or `Source: name (version)`. */
const SOURCE = /^(\S+)(?:\s+\((\S+)\))?$/;

export interface StatusFileOptions {
  /**
   * Whether a paragraph without a Status field is installed: true for status.d files (they are
   * control files, which have none), false for the status database (where dpkg always writes one).
   */
  installedWithoutStatus: boolean;
}

/** All installed packages of one dpkg database file; malformed paragraphs are warned about and skipped. */
export function readStatusFile(path: string, content: Buffer, options: StatusFileOptions, context: ExtractContext): ExtractedPackage[] {
  const packages: ExtractedPackage[] = [];
  for (const paragraph of splitParagraphs(content)) {
    const where = `paragraph at line ${paragraph.line}`;
    const text = decodeUtf8(paragraph.bytes);
    if (text === undefined) {
      context.warn(`${where}: not valid UTF-8; skipped`);
      continue;
    }
    const fields = parseControlParagraph(text, paragraph.line, (problem) => context.warn(problem));
    const status = fields.get('status');
    if (status === undefined && !options.installedWithoutStatus) {
      context.warn(`${where}: no Status field; skipped`);
      continue;
    }
    if (status !== undefined && !INSTALLED_STATUSES.has(status.replace(/\s+/g, ' '))) continue;
    const result = toPackage(fields, path);
    if ('error' in result) context.warn(`${where}: ${result.error}; skipped`);
    else packages.push(result);
  }
  return packages;
}

function toPackage(fields: Map<string, string>, path: string): ExtractedPackage | { error: string } {
  const name = fields.get('package');
  const version = fields.get('version');
  if (!name) return { error: 'no Package field' };
  if (!PACKAGE_NAME.test(name)) return { error: `invalid package name ${quoteForWarning(name)}` };
  if (!version) return { error: `${name}: no Version field` };
  const parsedVersion = parseEpoch(version);
  if ('error' in parsedVersion) return { error: `${name}: invalid version ${quoteForWarning(version)}: ${parsedVersion.error}` };

  const pkg: ExtractedPackage = { type: 'deb', name, version, licenses: [], locations: [path] };
  if (parsedVersion.epoch !== undefined) pkg.epoch = parsedVersion.epoch;
  const arch = fields.get('architecture');
  if (arch) pkg.arch = arch;

  // dpkg-query's ${source:Package} and ${source:Version}: the binary's own when Source omits them.
  const source = fields.get('source');
  const parsedSource = source ? SOURCE.exec(source) : undefined;
  if (source && (!parsedSource?.[1] || !PACKAGE_NAME.test(parsedSource[1]))) {
    return { error: `${name}: invalid Source ${quoteForWarning(source)}` };
  }
  pkg.sourceName = parsedSource?.[1] ?? name;
  pkg.sourceVersion = parsedSource?.[2] ?? version;

  const metadata: Record<string, string> = {};
  const maintainer = fields.get('maintainer');
  const homepage = fields.get('homepage');
  if (maintainer) metadata.maintainer = maintainer;
  if (homepage) metadata.homepage = homepage;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return pkg;
}

/**
 * The epoch of a dpkg version (`epoch:upstream-revision`; none when there is no ':'), or why the
 * version is unusable, by dpkg's rules (lib/dpkg/parsehelp.c parseversion).
 */
function parseEpoch(version: string): { epoch?: number } | { error: string } {
  if (/\s/.test(version)) return { error: 'contains whitespace' };
  const colon = version.indexOf(':');
  const rest = colon === -1 ? version : version.slice(colon + 1);
  if (rest === '' || rest.startsWith('-') || rest.endsWith('-')) return { error: 'empty upstream version or revision' };
  if (colon === -1) return {};
  const epochText = version.slice(0, colon);
  if (!/^\d+$/.test(epochText)) return { error: 'epoch is not a number' };
  const epoch = Number(epochText);
  return epoch > 0x7fffffff ? { error: 'epoch is too big' } : { epoch };
}
