/**
 * apk's installed database (lib/apk/db/installed): one paragraph per package, one `X:value` line
 * per fact, where X is a single letter (apk(8) "installed database" format). Kept: P name,
 * V version, A arch, o origin (source package), L license, m maintainer, U url, and the
 * F (directory) / R (file in the last F) pairs that say which files the package owns.
 */
import type { ExtractedPackage } from '../../../inventory/index.ts';
import type { ExtractContext, FileOwnership } from '../../extractor.ts';
import { decodeUtf8, quoteForWarning, splitParagraphs } from '../file-text.ts';

export interface InstalledDatabase {
  packages: ExtractedPackage[];
  fileOwnership: FileOwnership[];
}

/** apk package names: no whitespace and no '/' (they name files in the apk cache). */
const PACKAGE_NAME = /^[^\s/]+$/;
/** apk versions start with a digit ("1.2.5-r0", "2.40_pre1-r2"). */
const VERSION = /^[0-9]\S*$/;
const LINE = /^([A-Za-z]):(.*)$/;

export function readInstalledDatabase(path: string, content: Buffer, context: ExtractContext): InstalledDatabase {
  const database: InstalledDatabase = { packages: [], fileOwnership: [] };
  for (const paragraph of splitParagraphs(content)) {
    const where = `paragraph at line ${paragraph.line}`;
    const text = decodeUtf8(paragraph.bytes);
    if (text === undefined) {
      context.warn(`${where}: not valid UTF-8; skipped`);
      continue;
    }
    const entry = readEntry(text, paragraph.line, path, context);
    if ('error' in entry) {
      context.warn(`${where}: ${entry.error}; skipped`);
      continue;
    }
    database.packages.push(entry.pkg);
    database.fileOwnership.push({ type: 'apk', name: entry.pkg.name, paths: entry.paths });
  }
  return database;
}

function readEntry(text: string, firstLine: number, path: string, context: ExtractContext): { pkg: ExtractedPackage; paths: string[] } | { error: string } {
  const fields = new Map<string, string>();
  const paths: string[] = [];
  let directory: string | undefined;
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.trim() === '') return;
    const match = LINE.exec(line);
    if (match?.[1] === undefined) {
      context.warn(`line ${firstLine + index}: not an "X:value" line: ${quoteForWarning(line)}`);
      return;
    }
    const [, key, value = ''] = match;
    const problem = (message: string) => context.warn(`line ${firstLine + index}: ${message}`);
    if (key === 'F') {
      directory = value.replace(/^\/+|\/+$/g, '');
      if (directory.split('/').some((segment) => segment === '..' || segment === '.')) {
        problem(`directory ${quoteForWarning(value)} leaves the root; its files skipped`);
        directory = undefined;
      }
    } else if (key === 'R') {
      if (directory === undefined) problem(`file ${quoteForWarning(value)} outside a valid directory (F:); skipped`);
      else if (value === '' || value === '.' || value === '..' || value.includes('/')) problem(`invalid file name ${quoteForWarning(value)}; skipped`);
      else paths.push(directory === '' ? value : `${directory}/${value}`);
    } else if (!fields.has(key)) {
      fields.set(key, value);
    }
  });

  const name = fields.get('P');
  const version = fields.get('V');
  if (!name) return { error: 'no package name (P:)' };
  if (!PACKAGE_NAME.test(name)) return { error: `invalid package name ${quoteForWarning(name)}` };
  if (!version) return { error: `${name}: no version (V:)` };
  if (!VERSION.test(version)) return { error: `${name}: invalid version ${quoteForWarning(version)}` };

  const origin = fields.get('o');
  const license = fields.get('L');
  const pkg: ExtractedPackage = {
    type: 'apk',
    name,
    version,
    sourceName: origin || name,
    sourceVersion: version,
    // apk records the license as one free-text expression ("MIT AND BSD-2-Clause", "GPL-2.0-only").
    licenses: license ? [license] : [],
    locations: [path],
  };
  const arch = fields.get('A');
  if (arch) pkg.arch = arch;
  const metadata: Record<string, string> = {};
  const maintainer = fields.get('m');
  const homepage = fields.get('U');
  if (maintainer) metadata.maintainer = maintainer;
  if (homepage) metadata.homepage = homepage;
  if (Object.keys(metadata).length > 0) pkg.metadata = metadata;
  return { pkg, paths };
}
