/**
 * `portcullis sign IMAGE --key REF [-a key=value]...`: signs the manifest the image reference
 * resolves to (a tag is resolved to its digest first) with cosign's simple-signing payload, and
 * stores the signature both in cosign's `.sig` tag scheme and as an OCI 1.1 referrer.
 */
import { formatReference } from '../../core/index.ts';
import { resolveTarget, signImage } from '../../signing/index.ts';
import { GLOBAL_OPTIONS, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { ANNOTATION_OPTION, KEY_OPTIONS, REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP, openSigner, parseAnnotations, registryOptions, singleImage } from './signing-shared.ts';

export const SIGN_HELP = `Usage: portcullis sign IMAGE --key REF [-a key=value]...

Signs an image the way cosign does. A tag is resolved to the digest it points to now, and that
digest is what gets signed. The signature is stored as cosign stores it (tag sha256-<hex>.sig,
appended to any signatures already there) and as an OCI 1.1 referrer of the image.

Options:
      --key REF              signing key: an encrypted cosign key file or a pkcs11: URI
      --passphrase-file F    the key's passphrase (else $PORTCULLIS_PASSWORD, $COSIGN_PASSWORD,
                             or a prompt on a terminal)
  -a, --annotations K=V      annotation to sign along (repeatable)

${REGISTRY_OPTIONS_HELP}`;

export async function signCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...REGISTRY_OPTIONS, ...ANNOTATION_OPTION, ...KEY_OPTIONS });
  if (values.help) {
    process.stdout.write(`${SIGN_HELP}\n`);
    return 0;
  }
  const image = singleImage(positionals, 'sign');
  if (values.key === undefined) throw usageError('sign needs --key REF');
  const annotations = parseAnnotations(values.annotations);
  const signer = await openSigner(values.key, values['passphrase-file']);
  const target = await resolveTarget(image, { ...registryOptions(values), logger: loggerFor(values) });
  if (target.reference.digest === undefined) {
    process.stderr.write(`portcullis sign: ${image} resolved to ${target.digest}; signing the digest, not the tag\n`);
  }
  const signed = await signImage(target, signer, annotations);
  process.stdout.write(
    `signed ${formatReference({ ...target.reference, digest: target.digest })}\n` +
      `  signature tag: ${target.name}:${signed.tag}\n` +
      `  referrer:      ${target.name}@${signed.referrerDigest}\n`,
  );
  return 0;
}
