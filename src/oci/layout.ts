/**
 * The `oci-layout` marker file of an OCI image layout (image-layout.md): `{"imageLayoutVersion": "1.0.0"}`.
 */
import { PortcullisError } from '../core/index.ts';
import { decodeJsonObject } from './json.ts';
import { Issues, readString } from './validate.ts';

export const OCI_LAYOUT_VERSION = '1.0.0';

export function parseLayoutHeader(bytes: Uint8Array): { imageLayoutVersion: string } {
  const what = 'oci-layout file';
  const issues = new Issues();
  const version = readString(decodeJsonObject(bytes, what), 'imageLayoutVersion', '', issues, true);
  issues.throwIfAny(what);
  if (version !== OCI_LAYOUT_VERSION) {
    throw new PortcullisError('UNSUPPORTED', `OCI layout version ${String(version).slice(0, 20)} (only ${OCI_LAYOUT_VERSION} is read)`);
  }
  return { imageLayoutVersion: version };
}
