/**
 * Python distributions installed on disk, from their core metadata: `*.dist-info/METADATA`
 * (wheels, pip), `*.egg-info/PKG-INFO` and `*.egg-info` as a single file (setuptools; Debian ships
 * both forms). Names are kept as declared; the caller normalises them for purls.
 */
import type { ExtractContext, ExtractResult, Extractor, ExtractorFile, FileInfo } from '../../extractor.ts';
import { languagePackage } from '../support/packages.ts';
import { readText } from '../support/file-content.ts';
import { firstValue, parseMetadataHeaders, type MetadataHeaders } from './rfc822.ts';

/** A free-text License longer than this is a license's full text, not its name. */
const MAX_LICENSE_NAME_CHARS = 100;

function isPythonMetadataPath(path: string): boolean {
  return path.endsWith('.dist-info/METADATA') || path.endsWith('.egg-info/PKG-INFO') || path.endsWith('.egg-info');
}

export const pythonInstalledExtractor: Extractor = {
  name: 'lang/python-installed',
  version: 1,

  fileRequired(file: FileInfo): boolean {
    return isPythonMetadataPath(file.path);
  },

  async extract(file: ExtractorFile, context: ExtractContext): Promise<ExtractResult> {
    const content = await readText(file, context);
    if (content === undefined) return { packages: [] };
    const headers = parseMetadataHeaders(content);
    if (headers.malformedLines > 0) context.warn(`${headers.malformedLines} malformed metadata header line(s) ignored`);
    const name = firstValue(headers, 'Name');
    const version = firstValue(headers, 'Version');
    if (name === undefined || version === undefined) {
      context.warn(`metadata has no ${name === undefined ? 'Name' : 'Version'}; skipped`);
      return { packages: [] };
    }
    return { packages: [languagePackage({ type: 'pypi', name, version, licenses: declaredLicenses(headers) }, file.path)] };
  },
};

/**
 * The most precise license statement present: License-Expression (SPDX, metadata 2.4), else the
 * License field when it names a license rather than holding its text, else the trove classifiers.
 */
function declaredLicenses(headers: MetadataHeaders): string[] {
  const expression = firstValue(headers, 'License-Expression');
  if (expression !== undefined) return [expression];
  const license = firstValue(headers, 'License');
  if (license !== undefined && license !== 'UNKNOWN' && !license.includes('\n') && license.length <= MAX_LICENSE_NAME_CHARS) {
    return [license];
  }
  return (headers.values.get('classifier') ?? []).flatMap(licenseFromClassifier);
}

/** "License :: OSI Approved :: MIT License" -> ["MIT License"]; the bare "OSI Approved" says nothing. */
function licenseFromClassifier(classifier: string): string[] {
  const parts = classifier.split('::').map((part) => part.trim());
  if (parts[0] !== 'License' || parts.length < 2) return [];
  const last = parts[parts.length - 1];
  return last === undefined || last === '' || last === 'OSI Approved' ? [] : [last];
}
