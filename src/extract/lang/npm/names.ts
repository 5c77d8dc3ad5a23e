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
  const rest = path.slice(at + marker.length);
  const segments = rest.split('/');
  if (segments.length === 1 && segments[0] !== '' && !rest.startsWith('@')) return rest;
  if (segments.length === 2 && segments[0]?.startsWith('@') === true && segments[1] !== '') return rest;
  return undefined;
}
