/**
 * Whether a purl written by a person (an ignore entry, a VEX product) names a package's purl. The
 * written purl may leave parts out: no version means every version, no qualifiers means any
 * qualifiers (so `pkg:deb/debian/openssl` names `pkg:deb/debian/openssl@3.0.15-1?arch=amd64&distro=debian-12`);
 * qualifiers that are written must all be present with the same value.
 */
import { PackageURL } from 'packageurl-js';

function parse(text: string): PackageURL | undefined {
  try {
    return PackageURL.fromString(text);
  } catch {
    return undefined;
  }
}

/** Parses the written purl once; the returned test is cheap for every finding. */
export function purlMatcher(written: string): ((purl: string) => boolean) | undefined {
  const pattern = parse(written);
  if (pattern === undefined) return undefined;
  const wanted = Object.entries(pattern.qualifiers ?? {});
  return (purl) => {
    const candidate = parse(purl);
    if (candidate === undefined) return false;
    if (candidate.type !== pattern.type || candidate.name !== pattern.name || (candidate.namespace ?? '') !== (pattern.namespace ?? '')) return false;
    if (pattern.version !== undefined && candidate.version !== pattern.version) return false;
    const qualifiers = candidate.qualifiers ?? {};
    return wanted.every(([key, value]) => qualifiers[key] === value);
  };
}

/** True when the text is written as a purl (as opposed to a package name). */
export function isPurl(text: string): boolean {
  return text.startsWith('pkg:');
}
