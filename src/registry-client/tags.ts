/**
 * Tag listing pages (`GET /v2/<name>/tags/list?n=<count>`): validation of each page and the
 * pagination link (`Link: </v2/<name>/tags/list?n=100&last=x>; rel="next"`).
 */
import { inputError, isTag } from '../core/index.ts';

/** Validates one page: `{"name": "<repository>", "tags": ["a", ...] | null}`. */
export function parseTagPage(body: Buffer, what: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw inputError(`${what}: the tag list is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw inputError(`${what}: the tag list is not a JSON object`);
  const { tags } = parsed as { tags?: unknown };
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags)) throw inputError(`${what}: "tags" is not an array`);
  const bad = tags.flatMap((tag, index) => (typeof tag === 'string' && isTag(tag) ? [] : [`tags[${index}]`]));
  if (bad.length > 0) throw inputError(`${what}: invalid tags at ${bad.slice(0, 10).join(', ')}${bad.length > 10 ? ` and ${bad.length - 10} more` : ''}`);
  return tags as string[];
}

/** The `rel="next"` target of a Link header, or undefined when there is none. */
export function nextPageLink(header: string | null): string | undefined {
  if (header === null) return undefined;
  // Each link is `<uri>; param; param`, links separated by commas; URIs cannot contain '>'.
  for (const match of header.matchAll(/<([^>]*)>([^,<]*)/g)) {
    const params = match[2] ?? '';
    if (/;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?\s*(;|$)/i.test(params)) return match[1];
  }
  return undefined;
}
