/**
 * A project's auto-sign rule: which key signs the project's images and which scan rule an image
 * must meet first. Rule bodies come from API callers, so they are checked field by field; a key
 * reference that would carry a secret (a PKCS#11 URI with `pin-value`) is refused, because rules
 * are stored in clear and secrets come only from files or the environment.
 */
import { isAbsolute } from 'node:path';
import { PortcullisError } from '../core/index.ts';
import { formatScanRule, parseScanRule } from '../signing/index.ts';
import { isPkcs11Uri, parsePkcs11Uri } from '../signing/keys/index.ts';

export interface AutoSignRule {
  project: string;
  /** A `pkcs11:token=...;object=...` URI or a key file path on the server. */
  keyRef: string;
  /** The scan rule text, normalised ("no CRITICAL, no HIGH with fix"). */
  rule: string;
  /** Annotations signed along in the simple-signing payload. */
  annotations: Record<string, string>;
  /** File holding the PKCS#11 PIN (else PORTCULLIS_PKCS11_PIN or the server's --auto-sign-pin-file). */
  pinFile?: string;
  /** File holding the key file's passphrase (else the server's --auto-sign-passphrase-file). */
  passphraseFile?: string;
}

const FIELDS = new Set(['keyRef', 'rule', 'annotations', 'pinFile', 'passphraseFile']);
const MAX_TEXT = 1024;
const MAX_ANNOTATIONS = 32;
const ANNOTATION_KEY = /^[A-Za-z0-9][A-Za-z0-9._\/-]{0,127}$/;
// Printable text only: annotations end up in signed payloads and in logs.
const CONTROL = /[\u0000-\u001f\u007f]/;

function text(body: Record<string, unknown>, field: string, problems: string[], required: boolean): string | undefined {
  const value = body[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || value.trim() === '') problems.push(`${field} must be a non-empty string`);
  else if (value.length > MAX_TEXT) problems.push(`${field} is longer than ${MAX_TEXT} characters`);
  else if (CONTROL.test(value) || value.includes('\ufffd')) problems.push(`${field} holds control characters or invalid UTF-8`);
  else return value;
  return undefined;
}

function filePath(body: Record<string, unknown>, field: string, problems: string[]): string | undefined {
  const value = text(body, field, problems, false);
  if (value !== undefined && !isAbsolute(value)) problems.push(`${field} must be an absolute path on the server`);
  return value !== undefined && isAbsolute(value) ? value : undefined;
}

function keyRef(body: Record<string, unknown>, problems: string[]): string | undefined {
  const value = text(body, 'keyRef', problems, true);
  if (value === undefined) return undefined;
  if (isPkcs11Uri(value)) {
    let uri;
    try {
      uri = parsePkcs11Uri(value);
    } catch (error) {
      problems.push(`keyRef: ${(error as Error).message}`);
      return undefined;
    }
    if (uri.pinValue === undefined) return value;
    problems.push('keyRef must not carry pin-value: the PIN comes from pinFile or PORTCULLIS_PKCS11_PIN');
    return undefined;
  }
  if (!isAbsolute(value)) problems.push('keyRef must be a pkcs11: URI or an absolute key file path on the server');
  return isAbsolute(value) ? value : undefined;
}

function annotations(value: unknown, problems: string[]): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push('annotations must be an object of strings');
    return {};
  }
  const entries = Object.entries(value);
  if (entries.length > MAX_ANNOTATIONS) problems.push(`annotations has more than ${MAX_ANNOTATIONS} entries`);
  const result: Record<string, string> = {};
  for (const [key, entry] of entries.slice(0, MAX_ANNOTATIONS)) {
    if (!ANNOTATION_KEY.test(key)) problems.push(`annotation key ${JSON.stringify(key.slice(0, 64))} is not a valid key`);
    else if (typeof entry !== 'string' || entry.length > MAX_TEXT || CONTROL.test(entry)) problems.push(`annotations.${key} must be a printable string of at most ${MAX_TEXT} characters`);
    else result[key] = entry;
  }
  return result;
}

/** Checks an API body for `project`; every bad field is reported at once (INPUT). */
export function parseAutoSignRule(project: string, body: Record<string, unknown>): AutoSignRule {
  const problems: string[] = [];
  for (const field of Object.keys(body)) if (!FIELDS.has(field)) problems.push(`unknown field ${JSON.stringify(field.slice(0, 64))}`);
  const ref = keyRef(body, problems);
  const ruleText = text(body, 'rule', problems, true);
  let rule: string | undefined;
  if (ruleText !== undefined) {
    try {
      rule = formatScanRule(parseScanRule(ruleText, 'rule', 'INPUT'));
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  const signedAnnotations = annotations(body.annotations, problems);
  const pinFile = filePath(body, 'pinFile', problems);
  const passphraseFile = filePath(body, 'passphraseFile', problems);
  if (problems.length > 0 || ref === undefined || rule === undefined) {
    throw new PortcullisError('INPUT', `invalid auto-sign rule: ${problems.join('; ')}`);
  }
  return {
    project,
    keyRef: ref,
    rule,
    annotations: signedAnnotations,
    ...(pinFile !== undefined && { pinFile }),
    ...(passphraseFile !== undefined && { passphraseFile }),
  };
}
