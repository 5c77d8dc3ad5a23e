/** npm naming and license conventions shared by the npm extractors. */
import { isRecord, text } from '../support/fields.ts';

export interface NpmName {
  /** The scope with its '@' ("@babel"), for scoped packages only. */
  namespace?: string;
  name: string;
}

/** "@babel/core" -> { namespace: "@babel", name: "core" }; "lodash" -> { name: "lodash" }. */
export function splitNpmName(fullName: string): NpmName {
  const slash = fullName.indexOf('/');
  if (fullName.startsWith('@') && slash > 1 && slash < fullName.length - 1) {
    return { namespace: fullName.slice(0, slash), name: fullName.slice(slash + 1) };
  }
  return { name: fullName };
}

/**
 * The licenses a package.json declares: the SPDX string form, and the legacy forms npm still
 * accepts ({ type, url } objects, arrays of them, and the `licenses` array).
 */
export function npmLicenses(manifest: Record<string, unknown>): string[] {
  return [...licenseForms(manifest['license']), ...licenseForms(manifest['licenses'])];
}

function licenseForms(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  const licenses: string[] = [];
  for (const item of items) {
    const license = isRecord(item) ? text(item['type']) : text(item);
    if (license !== undefined) licenses.push(license);
  }
  return licenses;
}

/**
 * The package name at the end of an install path: "node_modules/a/node_modules/@s/b" -> "@s/b".
 * Undefined when the path does not end inside a node_modules directory.
 */
export function nameFromInstallPath(path: string): string | undefined {
  const marker = 'node_modules/';
  const at = path.lastIndexOf(marker);
  if (at === -1 || (at > 0 && path[at - 1] !== '/')) return undefined;
  return packageDirectoryName(path.slice(at + marker.length));
}

/**
 * Debian installs Node.js modules outside any node_modules directory, one directory per package
 * under these roots (`usr/share/nodejs/<name>`, `usr/lib/<triplet>/nodejs/<name>`).
 */
const DEBIAN_NODE_ROOT = /^usr\/(?:share|lib(?:\/[^/]+)?)\/nodejs\//;

/** The package name of a directory under a Debian Node.js root; undefined for other paths. */
export function nameFromDebianPath(path: string): string | undefined {
  const root = DEBIAN_NODE_ROOT.exec(path);
  return root === null ? undefined : packageDirectoryName(path.slice(root[0].length));
}

export function isUnderDebianNodeRoot(path: string): boolean {
  return DEBIAN_NODE_ROOT.test(path);
}

/** "lodash" or "@scope/name" (a package directory right under an install root), else undefined. */
function packageDirectoryName(relative: string): string | undefined {
  const segments = relative.split('/');
  const hidden = segments.some((segment) => segment === '' || segment.startsWith('.'));
  if (hidden) return undefined;
  if (segments.length === 1 && !relative.startsWith('@')) return relative;
  if (segments.length === 2 && segments[0]?.startsWith('@') === true) return relative;
  return undefined;
}
