/**
 * `portcullis attest IMAGE --key REF --type T --predicate FILE`: wraps the predicate in an in-toto
 * Statement v1 about the image's digest, signs it as a DSSE envelope, and stores it as cosign does
 * (tag sha256-<hex>.att) and as an OCI 1.1 referrer.
 */
import { readFile } from 'node:fs/promises';
import { PortcullisError, formatReference, inputError } from '../../core/index.ts';
import { attestImage, predicateTypeFor, resolveTarget } from '../../signing/index.ts';
import { GLOBAL_OPTIONS, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { KEY_OPTIONS, REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP, openSigner, registryOptions, singleImage } from './signing-shared.ts';

/** Predicates are documents (SBOMs, scan reports), not archives: this bounds what is read. */
const MAX_PREDICATE_BYTES = 64 * 1024 * 1024;

export const ATTEST_HELP = `Usage: portcullis attest IMAGE --key REF --type TYPE --predicate FILE

Signs an in-toto attestation about an image (DSSE envelope, payload type application/vnd.in-toto+json)
and stores it as cosign does (tag sha256-<hex>.att) and as an OCI 1.1 referrer.

Options:
      --key REF          signing key: encrypted cosign key file or pkcs11: URI
      --passphrase-file F  the key's passphrase (else $PORTCULLIS_PASSWORD, $COSIGN_PASSWORD)
      --type TYPE        cyclonedx, spdx, spdxjson, vuln, slsaprovenance, slsaprovenance1, openvex,
                         link, custom, or a predicate type URI (default custom)
      --predicate FILE   the predicate: a JSON document ('-' for standard input)

${REGISTRY_OPTIONS_HELP}`;

export async function attestCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...REGISTRY_OPTIONS, ...KEY_OPTIONS, type: { type: 'string' }, predicate: { type: 'string' } });
  if (values.help) {
    process.stdout.write(`${ATTEST_HELP}\n`);
    return 0;
  }
  const image = singleImage(positionals, 'attest');
  if (values.key === undefined) throw usageError('attest needs --key REF');
  if (values.predicate === undefined) throw usageError('attest needs --predicate FILE');
  const predicateType = (() => {
    try {
      return predicateTypeFor(values.type ?? 'custom');
    } catch (error) {
      throw usageError((error as Error).message);
    }
  })();
  const predicate = await readPredicate(values.predicate);
  const signer = await openSigner(values.key, values['passphrase-file']);
  const target = await resolveTarget(image, { ...registryOptions(values), logger: loggerFor(values) });
  const attested = await attestImage(target, signer, predicateType, predicate);
  process.stdout.write(
    `attested ${formatReference({ ...target.reference, digest: target.digest })} (${predicateType})\n` +
      `  attestation tag: ${target.name}:${attested.tag}\n` +
      `  referrer:        ${target.name}@${attested.referrerDigest}\n`,
  );
  return 0;
}

async function readPredicate(path: string): Promise<unknown> {
  const bytes = path === '-' ? await readStdin() : await readFile(path).catch((error: Error) => {
    throw new PortcullisError('NOT_FOUND', `cannot read predicate ${path}: ${error.message}`);
  });
  if (bytes.length > MAX_PREDICATE_BYTES) throw new PortcullisError('LIMIT', `predicate ${path} is larger than ${MAX_PREDICATE_BYTES} bytes`);
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes)) as unknown;
  } catch (error) {
    throw inputError(`predicate ${path} is not UTF-8 JSON: ${(error as Error).message}`, error);
  }
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > MAX_PREDICATE_BYTES) throw new PortcullisError('LIMIT', `predicate on standard input is larger than ${MAX_PREDICATE_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
