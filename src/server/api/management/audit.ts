/**
 * The audit log (system administrators only): a filtered, newest-first listing paged by sequence
 * number, and a check of the whole hash chain.
 */
import type { FastifyInstance } from 'fastify';
import { verifyAuditChain } from '../../../auth/index.ts';
import { ApiError, requireAdmin } from '../json-api.ts';
import { type ApiContext, knownQuery, pageParams, queryParam, requireAuth, sendPage } from './context.ts';

/** An ISO 8601 instant with a zone, normalised to the form the log stores (so text order is time order). */
function instant(value: string | undefined, key: string): string | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(value) || Number.isNaN(time)) {
    throw new ApiError('INVALID_ARGUMENT', `${key} must be an ISO 8601 time with a zone, e.g. 2026-01-31T00:00:00Z`);
  }
  return new Date(time).toISOString();
}

export function registerAuditRoutes(scope: FastifyInstance, context: ApiContext): void {
  scope.get('/audit', async (request, reply) => {
    knownQuery(request, ['actor', 'action', 'since', 'until', 'n', 'last']);
    const store = requireAuth(context).store;
    await requireAdmin(request);
    const page = pageParams(request);
    if (page.last !== undefined && !/^\d{1,15}$/.test(page.last)) throw new ApiError('INVALID_ARGUMENT', 'last is the seq of the last record of the previous page');
    const actor = queryParam(request, 'actor');
    const action = queryParam(request, 'action');
    if (action !== undefined && !/^[a-z][a-z._]{0,39}$/.test(action)) throw new ApiError('INVALID_ARGUMENT', 'action names an audit action such as push or policy.change');
    if (actor !== undefined && actor.length > 256) throw new ApiError('INVALID_ARGUMENT', 'actor is longer than 256 characters');
    const since = instant(queryParam(request, 'since'), 'since');
    const until = instant(queryParam(request, 'until'), 'until');
    const records = store.queryAudit({
      limit: page.n,
      ...(actor !== undefined && { actor }),
      ...(action !== undefined && { action }),
      ...(since !== undefined && { since }),
      ...(until !== undefined && { until }),
      ...(page.last !== undefined && { beforeSeq: Number(page.last) }),
    });
    return sendPage(request, reply, page, records, (record) => String(record.seq), 'records');
  });

  scope.get('/audit/verify', async (request) => {
    const store = requireAuth(context).store;
    await requireAdmin(request);
    return verifyAuditChain(store);
  });
}
