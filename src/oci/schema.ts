/**
 * Checks shared by manifests and indexes: the schemaVersion field, and the refusal of Docker schema 1
 * (no config blob, no diff IDs, deprecated since 2017) with a message that says what to do instead.
 */
import { PortcullisError } from '../core/index.ts';
import { SCHEMA1_MEDIA_TYPES } from './media-types.ts';
import { type Issues, type JsonObject, describeValue } from './validate.ts';

export function refuseSchema1(object: JsonObject, what: string): void {
  const mediaType = object.mediaType;
  if (object.schemaVersion === 1 || (typeof mediaType === 'string' && SCHEMA1_MEDIA_TYPES.has(mediaType))) {
    throw new PortcullisError(
      'UNSUPPORTED',
      `${what} is a Docker schema 1 manifest, which Portcullis does not read (deprecated since 2017, it has no ` +
        'image config); push the image again with a current Docker or convert it with `skopeo copy`',
    );
  }
}

export function checkSchemaVersion(object: JsonObject, issues: Issues): void {
  if (object.schemaVersion !== 2) issues.add('schemaVersion', `must be 2, got ${describeValue(object.schemaVersion)}`);
}

export function unsupported(what: string, problems: string[]): PortcullisError {
  return new PortcullisError('UNSUPPORTED', `${what}: ${problems.join('; ')}`);
}
