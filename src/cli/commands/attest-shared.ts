/**
 * What `scan --attest`, `sbom --attest` and `sign --require-scan` share: the attestation options, the
 * check that the target is a registry image (an attestation is stored beside the image in its
 * registry, so there is nowhere to put one for a directory or an archive), cosign's vuln predicate
 * built from a scan report, and attaching a predicate to the exact digest that was read.
 */
import { pathToFileURL } from 'node:url';
import { formatReference, parseReference, type Logger } from '../../core/index.ts';
import { parseTarget, type ReadImageOptions } from '../../image/index.ts';
import { formatScanJson, type ScanReport } from '../../scan/report/index.ts';
import { attestImage, resolveTarget, type SignedImage, type TargetOptions } from '../../signing/index.ts';
import type { Signer } from '../../signing/keys/index.ts';
import { usageError } from '../args.ts';
import { PORTCULLIS_VERSION } from '../version.ts';
import { KEY_OPTIONS, openSigner } from './signing-shared.ts';

export const ATTEST_OPTIONS = { attest: { type: 'boolean' }, ...KEY_OPTIONS } as const;

export const ATTEST_OPTIONS_HELP = `Attestation options (registry images only):
      --attest               sign the result as an in-toto attestation and attach it to the image
                             (cosign's layout: tag sha256-<hex>.att, and an OCI 1.1 referrer)
      --key REF              signing key: encrypted cosign key file or pkcs11: URI
      --passphrase-file F    the key's passphrase (else $PORTCULLIS_PASSWORD, $COSIGN_PASSWORD)`;

export interface AttestRequest {
  /** The registry reference the target names. */
  reference: string;
  signer: Signer;
}

/**
 * With --attest, checks the target is a registry image and opens the key before any scanning, so a
 * mistake costs nothing; without it, refuses a stray --key. Returns undefined when not attesting.
 */
export async function attestRequest(
  command: string,
  target: string,
  values: { attest?: boolean | undefined; key?: string | undefined; 'passphrase-file'?: string | undefined },
): Promise<AttestRequest | undefined> {
  if (!values.attest) {
    if (values.key !== undefined) throw usageError(`${command}: --key is used only with --attest`);
    return undefined;
  }
  if (values.key === undefined) throw usageError(`${command} --attest needs --key REF`);
  const parsed = await parseTarget(target);
  if (parsed.transport !== 'docker') {
    throw usageError(`${command} --attest works on registry images only (an attestation is stored in the image's registry); ${target} is read as a local ${parsed.transport} target`);
  }
  return { reference: parsed.reference, signer: await openSigner(values.key, values['passphrase-file']) };
}

/**
 * Signs `predicate` about the manifest `digest` of `reference` and stores it. The digest is the one
 * that was read, not what the tag points to now, so the attestation speaks about what was examined.
 */
export async function attachPredicate(
  reference: string,
  digest: string | undefined,
  signer: Signer,
  predicateType: string,
  predicate: unknown,
  options: Pick<ReadImageOptions, 'insecure' | 'authFile' | 'credentials'> & { logger: Logger },
): Promise<SignedImage & { name: string }> {
  if (digest === undefined) throw usageError(`${reference}: the registry gave no manifest digest, so there is nothing to attach an attestation to`);
  const targetOptions: TargetOptions = {
    logger: options.logger,
    ...(options.insecure === true && { insecure: true }),
    ...(options.authFile !== undefined && { authFile: options.authFile }),
    ...(options.credentials !== undefined && { credentials: options.credentials }),
  };
  const target = await resolveTarget(formatReference({ ...parseReference(reference), digest }), targetOptions);
  const attested = await attestImage(target, signer, predicateType, predicate);
  return { ...attested, name: target.name };
}

/** One line on stderr (stdout carries the report) saying where the attestation went. */
export function attestationNote(attested: SignedImage & { name: string }, predicateType: string): string {
  return `attested ${attested.name}@${attested.digest} (${predicateType}): tag ${attested.name}:${attested.tag}, referrer ${attested.name}@${attested.referrerDigest}\n`;
}

/**
 * cosign's vuln predicate (https://cosign.sigstore.dev/attestation/vuln/v1, as `cosign attest
 * --type vuln` writes it): the scanner, its database, and the scan result, here the Portcullis scan
 * report's JSON form (docs/formats/scan-json.md).
 */
export function vulnPredicate(report: ScanReport, scan: { databasePath: string; startedOn: Date; finishedOn: Date }): unknown {
  return {
    invocation: { parameters: null, uri: '', event_id: '', 'builder.id': '' },
    scanner: {
      uri: 'pkg:npm/portcullis',
      version: PORTCULLIS_VERSION,
      db: { uri: pathToFileURL(scan.databasePath).href, version: '' },
      result: JSON.parse(formatScanJson(report)) as unknown,
    },
    metadata: { scanStartedOn: scan.startedOn.toISOString(), scanFinishedOn: scan.finishedOn.toISOString() },
  };
}
