/**
 * `portcullis sign IMAGE --key REF [-a key=value]... [--require-scan RULE | --policy FILE]`: signs
 * the manifest the image reference resolves to (a tag is resolved to its digest first) with cosign's
 * simple-signing payload, and stores the signature both in cosign's `.sig` tag scheme and as an OCI
 * 1.1 referrer. With a scan rule, the digest is scanned first and signed only if the scan meets the
 * rule; the vuln attestation of that scan is then attached by the same key.
 */
import { formatReference } from '../../core/index.ts';
import { PREDICATE_TYPES, attestImage, formatScanRule, resolveTarget, signImage } from '../../signing/index.ts';
import { GLOBAL_OPTIONS, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { GATE_OPTIONS, GATE_OPTIONS_HELP, formatViolations, gateRule, runGate } from './sign-gate.ts';
import { ANNOTATION_OPTION, KEY_OPTIONS, REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP, openSigner, parseAnnotations, registryOptions, singleImage } from './signing-shared.ts';

export const SIGN_HELP = `Usage: portcullis sign IMAGE --key REF [-a key=value]... [--require-scan RULE | --policy FILE]

Signs an image the way cosign does. A tag is resolved to the digest it points to now, and that
digest is what gets signed. The signature is stored as cosign stores it (tag sha256-<hex>.sig,
appended to any signatures already there) and as an OCI 1.1 referrer of the image.

Options:
      --key REF              signing key: an encrypted cosign key file or a pkcs11: URI
      --passphrase-file F    the key's passphrase (else $PORTCULLIS_PASSWORD, $COSIGN_PASSWORD,
                             or a prompt on a terminal)
  -a, --annotations K=V      annotation to sign along (repeatable)

${GATE_OPTIONS_HELP}

Rules: comma-separated clauses 'no LEVEL', 'no LEVEL with fix', 'max N LEVEL' (also 'with fix');
LEVEL is CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN and means exactly that level. Exit 1 when the scan
breaks the rule (the findings that break it are listed); nothing is signed then.

${REGISTRY_OPTIONS_HELP}`;

export async function signCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...REGISTRY_OPTIONS, ...ANNOTATION_OPTION, ...KEY_OPTIONS, ...GATE_OPTIONS });
  if (values.help) {
    process.stdout.write(`${SIGN_HELP}\n`);
    return 0;
  }
  const image = singleImage(positionals, 'sign');
  if (values.key === undefined) throw usageError('sign needs --key REF');
  const annotations = parseAnnotations(values.annotations);
  const rule = await gateRule(values);
  const signer = await openSigner(values.key, values['passphrase-file']);
  const logger = loggerFor(values);
  const registry = registryOptions(values);
  const target = await resolveTarget(image, { ...registry, logger });
  const signedReference = formatReference({ ...target.reference, digest: target.digest });
  if (target.reference.digest === undefined) {
    process.stderr.write(`portcullis sign: ${image} resolved to ${target.digest}; signing the digest, not the tag\n`);
  }
  const gate = rule === undefined ? undefined : { rule: formatScanRule(rule), ...(await runGate(target, rule, values, registry, logger)) };
  if (gate !== undefined && gate.violations.length > 0) {
    process.stderr.write(`portcullis sign: not signing ${signedReference}: its scan breaks "${gate.rule}"\n${formatViolations(gate.violations)}`);
    return 1;
  }
  const signed = await signImage(target, signer, annotations);
  const attested = gate === undefined ? undefined : { rule: gate.rule, ...(await attestImage(target, signer, PREDICATE_TYPES.vuln!, gate.predicate)) };
  process.stdout.write(
    `signed ${signedReference}\n` +
      `  signature tag: ${target.name}:${signed.tag}\n` +
      `  referrer:      ${target.name}@${signed.referrerDigest}\n` +
      (attested === undefined
        ? ''
        : `scan met "${attested.rule}"; vuln attestation attached\n` +
          `  attestation tag: ${target.name}:${attested.tag}\n` +
          `  referrer:        ${target.name}@${attested.referrerDigest}\n`),
  );
  return 0;
}
