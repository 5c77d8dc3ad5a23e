/**
 * `portcullis verify IMAGE` and `portcullis verify-attestation IMAGE`: exit 0 only when a trusted,
 * current key signed exactly this manifest digest for this repository (and, for attestations, the
 * wanted predicate type); otherwise exit 1. The report lists every valid signature and the specific
 * reason each other one was rejected.
 */
import { loadTrustFile, predicateTypeFor, resolveTarget, trustedKey, verifyImageAttestations, verifyImageSignatures, formatReport, type TrustedKey, type VerificationReport } from '../../signing/index.ts';
import { GLOBAL_OPTIONS, choice, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { writeReport } from '../output.ts';
import { ANNOTATION_OPTION, KEY_OPTIONS, REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP, openPublicKey, parseAnnotations, registryOptions, singleImage } from './signing-shared.ts';

const VERIFY_OPTIONS = {
  ...GLOBAL_OPTIONS,
  ...REGISTRY_OPTIONS,
  ...ANNOTATION_OPTION,
  ...KEY_OPTIONS,
  'trust-config': { type: 'string' },
  'allow-any-reference': { type: 'boolean' },
  type: { type: 'string' },
} as const;

const COMMON_HELP = `      --key REF               public key (cosign.pub), encrypted key file or pkcs11: URI
      --trust-config FILE     YAML trust file: keys with notBefore/notAfter/revoked (with --key,
                              or alone to trust every key it lists)
      --allow-any-reference   accept payloads that name another repository (after copying)
  -f, --format FORMAT         text (default) or json
  -o, --output FILE           write the report to FILE

${REGISTRY_OPTIONS_HELP}`;

export const VERIFY_HELP = `Usage: portcullis verify IMAGE --key REF [-a key=value]... [--allow-any-reference]

Verifies cosign signatures of an image (tag scheme and OCI 1.1 referrers). Exits 0 only when a
signature by a trusted key covers exactly this manifest digest and names this repository.

Options:
  -a, --annotations K=V       require this annotation in the signed payload (repeatable)
${COMMON_HELP}`;

export const VERIFY_ATTESTATION_HELP = `Usage: portcullis verify-attestation IMAGE --key REF [--type TYPE]

Verifies in-toto attestations (DSSE) of an image. Exits 0 only when an attestation by a trusted key
is about exactly this manifest digest and repository, with the predicate type asked for.

Options:
      --type TYPE             cyclonedx, spdx, vuln, slsaprovenance, openvex, ... or a URI
                              (default: any predicate type)
${COMMON_HELP}`;

export function verifyCommand(args: string[]): Promise<number> {
  return run(args, 'signature');
}

export function verifyAttestationCommand(args: string[]): Promise<number> {
  return run(args, 'attestation');
}

async function run(args: string[], kind: 'signature' | 'attestation'): Promise<number> {
  const command = kind === 'signature' ? 'verify' : 'verify-attestation';
  const { values, positionals } = parseCommandLine(args, VERIFY_OPTIONS);
  if (values.help) {
    process.stdout.write(`${kind === 'signature' ? VERIFY_HELP : VERIFY_ATTESTATION_HELP}\n`);
    return 0;
  }
  const image = singleImage(positionals, command);
  const format = choice('format', values.format, ['text', 'json'] as const, 'text');
  if (kind === 'signature' && values.type !== undefined) throw usageError('--type belongs to verify-attestation');
  if (kind === 'attestation' && values.annotations !== undefined) throw usageError('-a belongs to verify');
  const keys = await trustedKeys(command, values.key, values['trust-config'], values['passphrase-file']);
  const target = await resolveTarget(image, { ...registryOptions(values), logger: loggerFor(values) }, false);
  const options = {
    keys,
    ...(values['allow-any-reference'] === true && { allowAnyReference: true }),
    ...(values.annotations !== undefined && { requiredAnnotations: parseAnnotations(values.annotations) }),
    ...(values.type !== undefined && { predicateType: predicateType(values.type) }),
  };
  const report = kind === 'signature' ? await verifyImageSignatures(target, options) : await verifyImageAttestations(target, options);
  await writeReport(format === 'json' ? jsonReport(report) : formatReport(report), values.output);
  return report.verified ? 0 : 1;
}

function predicateType(type: string): string {
  try {
    return predicateTypeFor(type);
  } catch (error) {
    throw usageError((error as Error).message);
  }
}

/**
 * --key alone trusts that key; the trust file alone trusts every key it lists; both together trust
 * only --key, judged by its entry in the trust file (window, revocation) when it has one.
 */
async function trustedKeys(command: string, key: string | undefined, trustFile: string | undefined, passphraseFile: string | undefined): Promise<TrustedKey[]> {
  if (key === undefined && trustFile === undefined) throw usageError(`${command} needs --key REF or --trust-config FILE`);
  const listed = trustFile === undefined ? [] : await loadTrustFile(trustFile);
  if (key === undefined) return listed;
  const given = trustedKey(key, await openPublicKey(key, passphraseFile));
  const entry = listed.find((candidate) => candidate.keyId === given.keyId);
  return [entry ?? given];
}

function jsonReport(report: VerificationReport): string {
  return JSON.stringify(report, null, 2);
}
