/**
 * The metadata part of `portcullis serve`: opens grafeas.db in the data directory, records the
 * scanner's results and the auto-signer's signatures as Grafeas occurrences, and serves the
 * Grafeas v1 API under /v1. Kept apart from serve.ts so the command stays a short composition root.
 */
import { isIP } from 'node:net';
import type { DeploymentRecord as AdmittedImage } from '../../admission/index.ts';
import { type Logger, parseReference } from '../../core/index.ts';
import { MetadataService, type SignedEvents, openMetadataStore, parseImageResourceUri } from '../../metadata/index.ts';
import type { PolicyStore } from '../../registry-policy/index.ts';
import type { RegistryScanner } from '../../registry-scan/index.ts';
import { metadataApi } from '../../server/api/grafeas/index.ts';
import type { ServerExtension } from '../../server/index.ts';
import { usageError } from '../args.ts';

export const METADATA_OPTIONS = {
  'metadata-host': { type: 'string' },
} as const;

export const METADATA_HELP = `Metadata (Grafeas v1 API under /v1, docs/grafeas-api.md; stored in grafeas.db in --data):
      --metadata-host HOST[:PORT]
                          registry host named in resourceUris (https://HOST/REPOSITORY@DIGEST);
                          default: --service, else the --listen address`;

export interface MetadataValues {
  'metadata-host'?: string | undefined;
  service?: string | undefined;
}

export interface MetadataSetup {
  service: MetadataService;
  extension: ServerExtension;
  /** Admission's deployment recorder: images of this registry become DEPLOYMENT occurrences. */
  recordAdmission(admitted: AdmittedImage): void;
  close(): void;
}

/** Cluster name recorded when admission runs without one. */
export const DEFAULT_CLUSTER = 'default';

/**
 * Records an image admission let run, when the image lives in this registry and its digest is
 * known (an image of another registry has no project here to hold the occurrence).
 */
export function recordAdmission(service: MetadataService, admitted: AdmittedImage): void {
  if (admitted.digest === undefined) return;
  const reference = parseReference(admitted.image);
  if (reference.domain !== service.host.toLowerCase()) return;
  service.recordDeployment({
    resourceUri: service.resourceUri(reference.repository, admitted.digest),
    cluster: admitted.cluster ?? DEFAULT_CLUSTER,
    namespace: admitted.namespace,
    workload: `${admitted.kind}/${admitted.name}`,
    breakGlass: admitted.breakGlass,
    ...(admitted.breakGlassReason !== undefined && { reason: admitted.breakGlassReason }),
    ...(admitted.user !== undefined && { user: admitted.user }),
    deployTime: new Date(admitted.admittedAt),
  });
}

const HOST = /^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The host of resourceUris: given, or the address clients use to reach this registry. */
export function metadataHost(values: MetadataValues, listen: { host: string; port: number }): string {
  const host = values['metadata-host'] ?? values.service ?? `${isIP(listen.host) === 6 ? `[${listen.host}]` : listen.host}:${listen.port}`;
  if (!HOST.test(host)) throw usageError(`--metadata-host takes HOST or HOST:PORT, got ${JSON.stringify(host)}`);
  return host;
}

/** Opens the metadata store, follows the scanner, and returns the /v1 API extension. */
export function openMetadata(
  values: MetadataValues,
  listen: { host: string; port: number },
  dataDir: string,
  deps: { scanner: RegistryScanner; policy: PolicyStore; logger: Logger; signer?: SignedEvents | undefined },
): MetadataSetup {
  const host = metadataHost(values, listen);
  const labels = (resourceUri: string) => {
    const image = parseImageResourceUri(resourceUri);
    return image === undefined ? undefined : deps.policy.labels(image.digest);
  };
  const store = openMetadataStore(dataDir, { labels });
  const service = new MetadataService({
    store,
    host,
    logger: deps.logger,
    exceptions: (repository, digest) => deps.policy.exceptionsFor(repository, digest, Date.now()),
  });
  const unfollow = service.follow(deps.scanner);
  const unfollowSigner = deps.signer === undefined ? () => {} : service.followSigner(deps.signer);
  return {
    service,
    extension: metadataApi({ store }),
    recordAdmission: (admitted) => recordAdmission(service, admitted),
    close: () => {
      unfollow();
      unfollowSigner();
      store.close();
    },
  };
}
