/** List endpoints: tags (/v2/<name>/tags/list), the catalog (/v2/_catalog) and referrers. */
import { OCI_INDEX } from '../../oci/index.ts';
import { checkDigest, parsePageSize } from '../../registry/index.ts';
import type { Page } from '../../storage/index.ts';
import type { HandlerContext } from './context.ts';
import { nextLink } from './http.ts';

function readPage(query: URLSearchParams): Page {
  const n = parsePageSize(query.get('n') ?? undefined);
  const last = query.get('last') ?? undefined;
  return { ...(n !== undefined && { n }), ...(last !== undefined && { last }) };
}

/** Asks for one more entry than the page holds, to know whether a Link to the next page is due. */
async function paged(page: Page, path: string, list: (page: Page) => Promise<string[]>, reply: HandlerContext['reply']): Promise<string[]> {
  if (page.n === 0) return [];
  const entries = await list(page.n === undefined ? page : { ...page, n: page.n + 1 });
  if (page.n === undefined || entries.length <= page.n) return entries;
  const shown = entries.slice(0, page.n);
  reply.header('link', nextLink(path, page.n, shown[shown.length - 1] ?? ''));
  return shown;
}

export async function listTags({ reply, registry, query }: HandlerContext, name: string): Promise<void> {
  const tags = await paged(readPage(query), `/v2/${name}/tags/list`, (page) => registry.manifests.tags(name, page), reply);
  reply.code(200).send({ name, tags });
}

export async function listCatalog({ reply, registry, query }: HandlerContext): Promise<void> {
  const repositories = await paged(readPage(query), '/v2/_catalog', (page) => registry.catalog(page), reply);
  reply.code(200).send({ repositories });
}

export async function listReferrers({ reply, registry, query }: HandlerContext, name: string, digest: string): Promise<void> {
  checkDigest(digest);
  const artifactType = query.get('artifactType') ?? undefined;
  const { index, filtered } = await registry.manifests.referrers(name, digest, artifactType);
  if (filtered) reply.header('oci-filters-applied', 'artifactType');
  reply.code(200).type(OCI_INDEX).send(Buffer.from(JSON.stringify(index)));
}
