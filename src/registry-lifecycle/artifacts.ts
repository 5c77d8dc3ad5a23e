/**
 * Reads what the retention planner needs from a registry: the repositories of a project and, for
 * each, its manifests with push time, tags, subject, the manifests an index lists, and labels.
 */
import { projectOf } from '../auth/index.ts';
import { isDigest } from '../core/index.ts';
import { isIndexMediaType } from '../oci/index.ts';
import type { RegistryService } from '../registry/index.ts';
import type { Artifact, RepositoryArtifacts } from './planner.ts';

const PAGE = 1000;

/** Labels of a manifest digest (src/registry-policy), or none when the registry keeps no labels. */
export type LabelReader = (digest: string) => Record<string, string>;

/** Every repository of `project` in lexical order. */
export async function projectRepositories(registry: RegistryService, project: string): Promise<string[]> {
  const found: string[] = [];
  let last: string | undefined;
  for (;;) {
    const page = await registry.catalog({ n: PAGE, ...(last !== undefined && { last }) });
    found.push(...page.filter((repository) => projectOf(repository) === project));
    if (page.length < PAGE) return found;
    last = page.at(-1);
  }
}

/** The digests an index lists, read from its stored bytes (validated when it was pushed). */
function indexChildren(content: Uint8Array): string[] {
  try {
    const document = JSON.parse(Buffer.from(content).toString('utf8')) as { manifests?: unknown };
    if (!Array.isArray(document.manifests)) return [];
    return document.manifests.map((entry: unknown) => (entry as { digest?: unknown } | null)?.digest).filter((digest): digest is string => typeof digest === 'string' && isDigest(digest));
  } catch {
    return [];
  }
}

export async function readRepository(registry: RegistryService, repository: string, labels: LabelReader): Promise<RepositoryArtifacts> {
  const artifacts: Artifact[] = [];
  let last: string | undefined;
  for (;;) {
    const page = await registry.listManifests(repository, { n: PAGE, ...(last !== undefined && { last }) });
    for (const record of page) {
      const children = isIndexMediaType(record.mediaType) ? indexChildren((await registry.manifests.get(repository, record.digest)).content) : [];
      artifacts.push({
        digest: record.digest,
        mediaType: record.mediaType,
        pushedAt: record.createdAt,
        tags: await registry.tagsOf(repository, record.digest),
        ...(record.subject !== undefined && { subject: record.subject }),
        children,
        labels: labels(record.digest),
      });
    }
    if (page.length < PAGE) return { repository, artifacts };
    last = page.at(-1)?.digest;
  }
}
