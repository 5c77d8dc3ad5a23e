/**
 * `portcullis sign IMAGE --key REF [-a key=value]... [--require-scan RULE | --policy FILE]`: signs
 * the manifest the image reference resolves to (a tag is resolved to its digest first) with cosign's
 * simple-signing payload, and stores the signature both in cosign's `.sig` tag scheme and as an OCI
 * 1.1 referrer. With a scan rule, the digest is gated first (every platform image of an index) and
 * signed only if the scan meets the rule; the vuln attestation of each scan is then attached by the
 * same key to the image it describes. `--recursive` also signs each platform image of an index.
 */
import { formatReference } from '../../core/index.ts';
import { PREDICATE_TYPES, attestImage, platformTargets, resolveTarget, signImage, type ImageTarget, type PlatformTarget, type SignedImage } from '../../signing/index.ts';
import { GLOBAL_OPTIONS, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { GATE_OPTIONS, GATE_OPTIONS_HELP, formatReasons, runGate, signingGate, type ImageGate } from './sign-gate.ts';
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
      --recursive            for an index, also sign each platform image (as cosign --recursive)

${GATE_OPTIONS_HELP}

Rules: comma-separated clauses 'no LEVEL', 'no LEVEL with fix', 'max N LEVEL' (also 'with fix');
LEVEL is CRITICAL, HIGH, MEDIUM, LOW or UNKNOWN and means exactly that level. Exit 1 when the scan
breaks the rule (the findings that break it are listed); nothing is signed then. For an index,
every platform image is gated and all must pass (the failing platforms are named).

${REGISTRY_OPTIONS_HELP}`;

const RECURSIVE_OPTION = { recursive: { type: 'boolean' } } as const;

export async function signCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...REGISTRY_OPTIONS, ...ANNOTATION_OPTION, ...KEY_OPTIONS, ...GATE_OPTIONS, ...RECURSIVE_OPTION });
  if (values.help) {
    process.stdout.write(`${SIGN_HELP}\n`);
    return 0;
  }
  const image = singleImage(positionals, 'sign');
  if (values.key === undefined) throw usageError('sign needs --key REF');
  const annotations = parseAnnotations(values.annotations);
  const gate = await signingGate(values);
  const signer = await openSigner(values.key, values['passphrase-file']);
  const logger = loggerFor(values);
  const registry = registryOptions(values);
  const target = await resolveTarget(image, { ...registry, logger });
  const signedReference = formatReference({ ...target.reference, digest: target.digest });
  if (target.reference.digest === undefined) {
    process.stderr.write(`portcullis sign: ${image} resolved to ${target.digest}; signing the digest, not the tag\n`);
  }
  const platforms = gate === undefined && values.recursive !== true ? [] : await platformTargets(target);
  const gated: Array<ImageTarget | PlatformTarget> = platforms.length === 0 ? [target] : platforms;
  const gates = gate === undefined ? undefined : await runGate(gated, gate, values, registry, logger);
  const failing = gates?.filter((each) => !each.decision.allowed) ?? [];
  if (failing.length > 0) {
    process.stderr.write(`portcullis sign: not signing ${signedReference}: it does not pass ${gate!.name}\n${failing.map(describeFailure).join('')}`);
    return 1;
  }
  const signed: Array<[ImageTarget, SignedImage]> = [];
  for (const each of [target, ...(values.recursive === true ? platforms : [])]) signed.push([each, await signImage(each, signer, annotations)]);
  const attested: Array<[ImageTarget, SignedImage]> = [];
  for (const [index, gate] of (gates ?? []).entries()) {
    const subject = gated[index]!;
    attested.push([subject, await attestImage(subject, signer, PREDICATE_TYPES.vuln!, gate.predicate)]);
  }
  process.stdout.write(
    signed.map(([each, result]) => `signed ${formatReference({ ...each.reference, digest: each.digest })}${platformOf(each)}\n  signature tag: ${each.name}:${result.tag}\n  referrer:      ${each.name}@${result.referrerDigest}\n`).join('') +
      (gates === undefined
        ? ''
        : `${gate!.name} passed (${describeSources(gates)}); vuln attestation attached\n` +
          dryRunWarnings(gates) +
          attested.map(([each, result]) => `  attestation tag: ${each.name}:${result.tag}${platformOf(each)}\n  referrer:        ${each.name}@${result.referrerDigest}\n`).join('')),
  );
  return 0;
}

function platformOf(target: ImageTarget | PlatformTarget): string {
  return 'platform' in target ? ` (${target.platform})` : '';
}

/** Which scans the decision rested on: "stored scan", "fresh scan", or both for an index. */
function describeSources(gates: readonly ImageGate[]): string {
  return [...new Set(gates.map((gate) => `${gate.source} scan`))].join(' and ');
}

/** Violations a dry-run policy only reports: signing goes ahead, the signer is told. */
function dryRunWarnings(gates: readonly ImageGate[]): string {
  const reasons = gates.flatMap((each) => (each.decision.enforcement === 'dryrun' ? each.decision.violations : []));
  return reasons.length === 0 ? '' : `dry run, not enforced:\n${formatReasons(reasons)}`;
}

function describeFailure(gate: ImageGate): string {
  const violations = formatReasons(gate.decision.violations);
  if (gate.platform === undefined) return violations;
  const nested = violations.split('\n').map((line) => (line === '' ? line : `  ${line}`)).join('\n');
  return `  platform ${gate.platform} (${gate.digest}):\n${nested}`;
}
