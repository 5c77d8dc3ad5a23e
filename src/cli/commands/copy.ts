/**
 * `portcullis copy SRC DST`: copies an image between repositories or registries together with its
 * signatures, attestations and SBOMs, in both layouts (cosign tag scheme and OCI 1.1 referrers), so
 * replication never loses them. Manifests are copied byte for byte: every digest and signature holds.
 */
import { parseReference } from '../../core/index.ts';
import { RegistryClient } from '../../registry-client/index.ts';
import { copyImage } from '../../signing/index.ts';
import { GLOBAL_OPTIONS, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { REGISTRY_OPTIONS, REGISTRY_OPTIONS_HELP, registryOptions } from './signing-shared.ts';

export const COPY_HELP = `Usage: portcullis copy SRC DST

Copies the image SRC (a tag or digest reference; an index with all its images) to DST, with every
signature, attestation and SBOM attached to it: cosign's sha256-<hex>.sig/.att/.sbom tags and all
OCI 1.1 referrers. DST without a tag gets SRC's tag (or only the digest when SRC has none).

${REGISTRY_OPTIONS_HELP}`;

export async function copyCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { ...GLOBAL_OPTIONS, ...REGISTRY_OPTIONS });
  if (values.help) {
    process.stdout.write(`${COPY_HELP}\n`);
    return 0;
  }
  const [sourceText, destinationText] = positionals;
  if (positionals.length !== 2 || sourceText === undefined || destinationText === undefined) throw usageError('copy takes SRC and DST (see portcullis copy --help)');
  const source = parseReference(sourceText);
  const destination = parseReference(destinationText);
  if (destination.digest !== undefined) throw usageError('DST names a repository and optionally a tag, not a digest');
  const options = { ...registryOptions(values), logger: loggerFor(values) };
  const sourceClient = new RegistryClient({ ...options, domain: source.domain });
  const destinationClient = source.domain === destination.domain ? sourceClient : new RegistryClient({ ...options, domain: destination.domain });
  const result = await copyImage(
    { client: sourceClient, repository: source.repository, domain: source.domain },
    source.digest ?? source.tag ?? 'latest',
    { client: destinationClient, repository: destination.repository, domain: destination.domain },
    destination.tag ?? (source.digest === undefined ? (source.tag ?? 'latest') : undefined),
  );
  const counts = { image: 0, attachment: 0, referrer: 0 };
  for (const manifest of result.manifests) counts[manifest.role] += 1;
  process.stdout.write(
    `copied ${sourceText} to ${destination.domain}/${destination.repository}@${result.digest}\n` +
      `  ${counts.image} image manifest(s), ${counts.attachment} signature/attestation tag(s), ${counts.referrer} referrer(s)\n`,
  );
  return 0;
}
