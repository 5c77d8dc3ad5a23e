/**
 * OCI 1.1 referrers: the manifests whose `subject` is a given manifest (signatures, attestations,
 * SBOMs). Registries that serve the referrers API (`GET /v2/<name>/referrers/<digest>`) answer with
 * an image index; the others (distribution 2.8, older registries) answer 404, and then clients keep
 * the same index themselves under the referrers tag schema: tag `<alg>-<hex>` (distribution spec,
 * "Referrers Tag Schema"), which writers update by read, append, write.
 */
import { PortcullisError, digestAlgorithm, digestHex, parseDigest } from '../core/index.ts';
import { OCI_INDEX, parseIndex, type Descriptor } from '../oci/index.ts';
import { readLimited } from './body.ts';
import type { RegistryClient } from './client.ts';

export interface Referrers {
  descriptors: Descriptor[];
  /** Where they came from: the registry's API, or the referrers tag kept by clients. */
  source: 'api' | 'tag';
}

const MAX_REFERRERS_PAGE_BYTES = 4 * 1024 * 1024;
const MAX_REFERRERS_PAGES = 100;

/** The referrers tag schema's tag for a subject: `sha256-<hex>` (at most 128 characters). */
export function referrersTag(subject: string): string {
  return `${digestAlgorithm(subject)}-${digestHex(subject)}`.slice(0, 128);
}

/** Every referrer of `subject`, optionally only those of one artifact type. */
export async function listReferrers(client: RegistryClient, repository: string, subject: string, artifactType?: string): Promise<Referrers> {
  parseDigest(subject, 'subject digest');
  const session = client.session;
  const what = `listing referrers of ${subject}`;
  const action = session.describe(what, repository);
  const descriptors: Descriptor[] = [];
  const query = artifactType === undefined ? '' : `?artifactType=${encodeURIComponent(artifactType)}`;
  let path: string | undefined = `/v2/${repository}/referrers/${subject}${query}`;
  for (let page = 0; path !== undefined; page++) {
    if (page >= MAX_REFERRERS_PAGES) throw new PortcullisError('LIMIT', `${action}: more than ${MAX_REFERRERS_PAGES} pages`);
    const response = await session.request({
      method: 'GET',
      repository,
      actions: ['pull'],
      path,
      headers: { accept: OCI_INDEX },
      accept: (status) => status === 200 || status === 404,
      what,
    });
    if (response.status === 404) {
      await response.body?.cancel().catch(() => {});
      if (page > 0) throw new PortcullisError('NETWORK', `${action}: a referrers page went missing`);
      return { descriptors: await tagReferrers(client, repository, subject, artifactType), source: 'tag' };
    }
    const index = parseIndex(await readLimited(response, MAX_REFERRERS_PAGE_BYTES, session.idleTimeoutMs, action));
    descriptors.push(...index.manifests);
    path = nextLink(response.headers.get('link'));
  }
  // A registry that ignores the filter says so by not echoing it; filter here either way.
  return { descriptors: descriptors.filter((entry) => artifactType === undefined || entry.artifactType === artifactType), source: 'api' };
}

function nextLink(header: string | null): string | undefined {
  const match = header === null ? null : /<([^>]*)>\s*;\s*rel="?next"?/i.exec(header);
  return match?.[1];
}

/** The index under the referrers tag, or an empty list when there is none. */
async function tagReferrers(client: RegistryClient, repository: string, subject: string, artifactType?: string): Promise<Descriptor[]> {
  const index = await readTagIndex(client, repository, subject);
  return (index ?? []).filter((entry) => artifactType === undefined || entry.artifactType === artifactType);
}

async function readTagIndex(client: RegistryClient, repository: string, subject: string): Promise<Descriptor[] | undefined> {
  try {
    const fetched = await client.getManifest(repository, referrersTag(subject));
    return parseIndex(fetched.bytes).manifests;
  } catch (error) {
    if (error instanceof PortcullisError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * Records `referrer` under the subject's referrers tag (read, append unless already listed, write),
 * for registries without the referrers API. Entries already there are kept as they are.
 */
export async function addToReferrersTag(client: RegistryClient, repository: string, subject: string, referrer: Descriptor): Promise<void> {
  const existing = (await readTagIndex(client, repository, subject)) ?? [];
  if (existing.some((entry) => entry.digest === referrer.digest)) return;
  const index = { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [...existing, referrer] };
  await client.pushManifest(repository, referrersTag(subject), Buffer.from(JSON.stringify(index)), OCI_INDEX);
}
