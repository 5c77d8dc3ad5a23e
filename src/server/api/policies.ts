/**
 * Policy layers and attestors managed through the API (docs/policy-layers.md):
 *
 *   GET    /api/v1/policies                 the layers with their revisions
 *   GET    /api/v1/policies/{layer}         one layer's document, as it was stored
 *   PUT    /api/v1/policies/{layer}         a policy document (JSON, or YAML as application/yaml)
 *   DELETE /api/v1/policies/{layer}
 *   GET|PUT|DELETE /api/v1/attestors/{name} {publicKeyPem}
 *
 * A layer is `organisation`, `project:NAME` or `namespace:NAME`. A document is compiled by the
 * policy loader before it is stored: one that does not load answers 400 with the loader's message
 * (file position included) and nothing changes. Every change is audited ('policy.change') and
 * recompiles the layers at once, so the next decision uses it.
 */
import type { FastifyRequest } from 'fastify';
import { appendAudit, loginName, type AuthService, type Principal } from '../../auth/index.ts';
import { MAX_POLICY_FILE_BYTES } from '../../policy/index.ts';
import { type LayerName, type PolicyLayers, type StoredPolicies, parseAttestorName, parseLayerName, parsePublicKeyPem } from '../../policy-store/index.ts';
import type { ServerExtension } from '../app.ts';
import { ApiError, bodyObject, registerJsonApi, requireAdmin, requireAuthenticated, requireProjectMaintainer } from './json-api.ts';

export interface PoliciesApiOptions {
  store: StoredPolicies;
  layers: PolicyLayers;
}

const DOCUMENT_TYPES = ['application/json', 'application/yaml'];

/** Organisation and namespace layers are the system administrators'; a project's, its maintainers'. */
async function requireLayerAdmin(request: FastifyRequest, layer: LayerName): Promise<Principal> {
  return layer.startsWith('project:') ? requireProjectMaintainer(request, layer.slice('project:'.length)) : requireAdmin(request);
}

function layerParam(request: FastifyRequest): LayerName {
  return parseLayerName((request.params as { layer: string }).layer);
}

function attestorParam(request: FastifyRequest): string {
  return parseAttestorName((request.params as { name: string }).name);
}

export function policiesApi(options: PoliciesApiOptions): ServerExtension {
  const { store, layers } = options;
  return (app, context) => {
    const audit = (request: FastifyRequest, principal: Principal, target: string, operation: string, revision: number): void => {
      const auth: AuthService | undefined = context.auth;
      if (auth !== undefined) appendAudit(auth.store, { actor: loginName(principal) || 'anonymous', action: 'policy.change', target, ip: request.ip, outcome: 'ok', detail: { operation, revision } });
      context.logger.info(`policy: ${operation} ${target} by ${loginName(principal) || 'anonymous'} (store revision ${revision})`);
    };
    registerJsonApi(app, { prefix: '/api/v1', ...(context.auth !== undefined && { auth: context.auth }), logger: context.logger }, (scope) => {
      scope.get('/policies', async (request) => {
        await requireAuthenticated(request);
        const listed = store.layers().map((layer) => ({ layer: layer.layer, source: 'api', revision: layer.revision, contentType: layer.contentType, updatedAt: new Date(layer.updatedAt).toISOString(), updatedBy: layer.updatedBy }));
        const fromFile = layers.organisationFromFile ? [{ layer: 'organisation', source: 'file' }] : [];
        return { revision: layers.revision(), layers: [...fromFile, ...listed.filter((entry) => !(layers.organisationFromFile && entry.layer === 'organisation'))] };
      });
      scope.get('/policies/:layer', async (request, reply) => {
        const layer = layerParam(request);
        await requireAuthenticated(request);
        const stored = store.layer(layer);
        if (stored === undefined) throw new ApiError('NOT_FOUND', `no stored policy layer ${layer}`);
        return reply.header('content-type', stored.contentType).header('x-portcullis-policy-revision', String(stored.revision)).send(Buffer.from(stored.document));
      });
      scope.get('/attestors/:name', async (request) => {
        const name = attestorParam(request);
        await requireAuthenticated(request);
        const attestor = store.attestor(name);
        if (attestor === undefined) throw new ApiError('NOT_FOUND', `no attestor ${name}`);
        return { name, publicKeyPem: attestor.publicKeyPem, updatedAt: new Date(attestor.updatedAt).toISOString(), updatedBy: attestor.updatedBy };
      });
      scope.put('/attestors/:name', async (request) => {
        const name = attestorParam(request);
        const principal = await requireAdmin(request);
        const publicKeyPem = parsePublicKeyPem(bodyObject(request).publicKeyPem);
        const revision = store.putAttestor(name, publicKeyPem, loginName(principal));
        await layers.refresh();
        audit(request, principal, `attestor:${name}`, 'put', revision);
        return { name, revision };
      });
      scope.delete('/attestors/:name', async (request, reply) => {
        const name = attestorParam(request);
        const principal = await requireAdmin(request);
        const revision = store.deleteAttestor(name);
        if (revision === undefined) throw new ApiError('NOT_FOUND', `no attestor ${name}`);
        await layers.refresh();
        audit(request, principal, `attestor:${name}`, 'delete', revision);
        return reply.code(204).send();
      });
      // Documents are read as bytes: the loader reports positions in the text the client sent.
      scope.register(async (documents) => {
        documents.removeContentTypeParser('application/json');
        documents.addContentTypeParser(DOCUMENT_TYPES, { parseAs: 'buffer', bodyLimit: MAX_POLICY_FILE_BYTES }, (_request, body, done) => done(null, body));
        documents.put('/policies/:layer', async (request) => {
          const layer = layerParam(request);
          const principal = await requireLayerAdmin(request, layer);
          refuseFileLayer(layers, layer);
          const body = request.body;
          if (!Buffer.isBuffer(body) || body.byteLength === 0) throw new ApiError('INVALID_ARGUMENT', 'the request body must be a policy document (application/json or application/yaml)');
          await layers.validate(body, layer);
          const contentType = (request.headers['content-type'] ?? '').startsWith('application/yaml') ? 'application/yaml' : 'application/json';
          const revision = store.putLayer(layer, body, contentType, loginName(principal));
          await layers.refresh();
          audit(request, principal, layer, 'put', revision);
          return { layer, revision, policyRevision: layers.revision() };
        });
        documents.delete('/policies/:layer', async (request, reply) => {
          const layer = layerParam(request);
          const principal = await requireLayerAdmin(request, layer);
          refuseFileLayer(layers, layer);
          const revision = store.deleteLayer(layer);
          if (revision === undefined) throw new ApiError('NOT_FOUND', `no stored policy layer ${layer}`);
          await layers.refresh();
          audit(request, principal, layer, 'delete', revision);
          return reply.code(204).send();
        });
      });
    });
  };
}

/** With --policy the file is the organisation layer; an API change would be silently ignored. */
function refuseFileLayer(layers: PolicyLayers, layer: LayerName): void {
  if (layer === 'organisation' && layers.organisationFromFile) {
    throw new ApiError('ABORTED', 'the organisation policy is given by the server\'s --policy file; change that file instead');
  }
}
