/**
 * The OCI distribution API under /v2/: one wildcard route that finds the endpoint (match.ts),
 * validates the repository name, asks `authorize` for the access the endpoint needs, and calls the
 * endpoint's handler. Bodies are not parsed by fastify: blob handlers stream them, manifest
 * handlers read them with a size limit.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../core/index.ts';
import { RegistryError, checkRepository, type RegistryService } from '../../registry/index.ts';
import type { AccessRequest, Action, Authorize } from '../authorize.ts';
import type { PullCheck } from '../pull-gate.ts';
import { appendChunk, cancelUpload, completeUpload, deleteBlob, getBlob, startUpload, uploadStatus } from './blobs.ts';
import { API_VERSION_HEADER, type HandlerContext } from './context.ts';
import { listCatalog, listReferrers, listTags } from './listing.ts';
import { type Endpoint, matchEndpoint } from './match.ts';
import { deleteManifest, getManifest, putManifest } from './manifests.ts';

type Handler = (context: HandlerContext) => Promise<void>;

interface Dispatch {
  actions: Action[];
  handler: Handler;
}

function unsupportedMethod(method: string): RegistryError {
  return new RegistryError('UNSUPPORTED', `method ${method} is not supported here`);
}

/** The handler and the access it needs, for an endpoint and method; UNSUPPORTED for other methods. */
function dispatch(endpoint: Endpoint, method: string): Dispatch {
  const reading = method === 'GET' || method === 'HEAD';
  switch (endpoint.kind) {
    case 'base':
      if (reading) return { actions: [], handler: async ({ reply }) => void reply.code(200).send({}) };
      break;
    case 'catalog':
      if (method === 'GET') return { actions: ['catalog'], handler: (context) => listCatalog(context) };
      break;
    case 'uploads':
      if (method === 'POST') return { actions: ['pull', 'push'], handler: (context) => startUpload(context, endpoint.name) };
      break;
    case 'upload': {
      const { name, id } = endpoint;
      const push: Action[] = ['pull', 'push'];
      if (method === 'GET') return { actions: push, handler: (context) => uploadStatus(context, name, id) };
      if (method === 'PATCH') return { actions: push, handler: (context) => appendChunk(context, name, id) };
      if (method === 'PUT') return { actions: push, handler: (context) => completeUpload(context, name, id) };
      if (method === 'DELETE') return { actions: push, handler: (context) => cancelUpload(context, name, id) };
      break;
    }
    case 'blob':
      if (reading) return { actions: ['pull'], handler: (context) => getBlob(context, endpoint.name, endpoint.digest) };
      if (method === 'DELETE') return { actions: ['delete'], handler: (context) => deleteBlob(context, endpoint.name, endpoint.digest) };
      break;
    case 'manifest': {
      const { name, reference } = endpoint;
      if (reading) return { actions: ['pull'], handler: (context) => getManifest(context, name, reference) };
      if (method === 'PUT') return { actions: ['pull', 'push'], handler: (context) => putManifest(context, name, reference) };
      if (method === 'DELETE') return { actions: ['delete'], handler: (context) => deleteManifest(context, name, reference) };
      break;
    }
    case 'tags':
      if (method === 'GET') return { actions: ['pull'], handler: (context) => listTags(context, endpoint.name) };
      break;
    case 'referrers':
      if (method === 'GET') return { actions: ['pull'], handler: (context) => listReferrers(context, endpoint.name, endpoint.digest) };
      break;
  }
  throw unsupportedMethod(method);
}

export function registerDistributionRoutes(app: FastifyInstance, registry: RegistryService, authorize: Authorize, logger: Logger, pullCheck?: PullCheck): void {
  const handle = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header(API_VERSION_HEADER, 'registry/2.0');
    const [path = '', search = ''] = request.url.split('?', 2);
    const endpoint = matchEndpoint(path);
    if (endpoint === undefined) throw new RegistryError('NAME_UNKNOWN', 'no such endpoint', { detail: { path: path.slice(0, 200) } });
    const repository = 'name' in endpoint ? checkRepository(endpoint.name) : undefined;
    const { actions, handler } = dispatch(endpoint, request.method);
    const access: AccessRequest = { repository, actions };
    await authorize(request, access);
    await handler({ request, reply, registry, authorize, logger, query: new URLSearchParams(search), ...(pullCheck !== undefined && { pullCheck }) });
    return reply;
  };
  const methods = ['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE'] as const;
  app.route({ method: [...methods], url: '/v2', handler: handle });
  app.route({ method: [...methods], url: '/v2/*', handler: handle });
}
