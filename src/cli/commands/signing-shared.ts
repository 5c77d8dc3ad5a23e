/**
 * What the signing commands (login, sign, attest, verify, verify-attestation, copy) share, with
 * cosign's option names so users' scripts carry over: registry transport flags, `-a key=value`
 * annotations, `--key REF` opened through the key providers (files, pkcs11: URIs), and the
 * passphrase from --passphrase-file, PORTCULLIS_PASSWORD or COSIGN_PASSWORD (or a terminal prompt).
 */
import type { KeyObject } from 'node:crypto';
import { openPublicKey as openKeyPublic, openSigner as openKeySigner, passphraseSource, type KeyOptions, type Signer } from '../../signing/keys/index.ts';
import type { TargetOptions } from '../../signing/index.ts';
import { singlePositional, usageError } from '../args.ts';

export const REGISTRY_OPTIONS = {
  'allow-http-registry': { type: 'boolean' },
  'allow-insecure-registry': { type: 'boolean' },
  authfile: { type: 'string' },
} as const;

export const REGISTRY_OPTIONS_HELP = `Registry options:
      --allow-http-registry      allow plain HTTP to the registry (local registries always may)
      --allow-insecure-registry  skip TLS certificate verification
      --authfile FILE            credentials file (default: $REGISTRY_AUTH_FILE, then
                                 ~/.docker/config.json, as written by 'portcullis login')`;

export const ANNOTATION_OPTION = { annotations: { type: 'string', short: 'a', multiple: true } } as const;

export function registryOptions(values: { 'allow-http-registry'?: boolean | undefined; 'allow-insecure-registry'?: boolean | undefined; authfile?: string | undefined }): TargetOptions {
  return {
    ...((values['allow-http-registry'] === true || values['allow-insecure-registry'] === true) && { insecure: true }),
    ...(values.authfile !== undefined && { authFile: values.authfile }),
  };
}

/** `-a key=value` options as a map; a key given twice keeps the last value, as cosign does. */
export function parseAnnotations(values: string[] | undefined): Record<string, string> {
  const annotations: Record<string, string> = {};
  for (const entry of values ?? []) {
    const equals = entry.indexOf('=');
    if (equals <= 0) throw usageError(`-a takes key=value: got ${JSON.stringify(entry)}`);
    annotations[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  return annotations;
}

/** The one positional IMAGE a command takes. */
export function singleImage(positionals: string[], command: string): string {
  return singlePositional(positionals, command, 'IMAGE');
}

export const KEY_OPTIONS = { key: { type: 'string' }, 'passphrase-file': { type: 'string' } } as const;

/** Passphrase from --passphrase-file, PORTCULLIS_PASSWORD, COSIGN_PASSWORD, or a prompt on a terminal. */
function keyOptions(passphraseFile: string | undefined): KeyOptions {
  return { passphrase: passphraseSource(passphraseFile === undefined ? {} : { file: passphraseFile }) };
}

export function openSigner(ref: string, passphraseFile?: string): Promise<Signer> {
  return openKeySigner(ref, keyOptions(passphraseFile));
}

export function openPublicKey(ref: string, passphraseFile?: string): Promise<KeyObject> {
  return openKeyPublic(ref, keyOptions(passphraseFile));
}
