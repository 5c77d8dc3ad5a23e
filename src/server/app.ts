/**
 * build(opts): the HTTP application of `portcullis serve`, assembled but not listening (the caller
 * listens, or tests call inject()). It serves the OCI distribution API over a RegistryService and
 * answers every error in the spec's JSON form through the one error-code table.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { type Logger, silentLogger } from '../core/index.ts';
import { type AuthService, registerTokenRoute } from '../auth/index.ts';
import { RegistryError, type RegistryService } from '../registry/index.ts';
import { auditRegistryAccess, authServiceAuthorize } from './auth-hook.ts';
import type { Authorize } from './authorize.ts';
import { ERROR_CODES, errorBody } from './error-codes.ts';
import { logRequests } from './request-log.ts';
import { registerDistributionRoutes } from './routes/distribution.ts';
import type { PullGate } from '../registry-policy/index.ts';
import { pullGateCheck } from './pull-gate.ts';

/**
 * Access control: `auth` (the normal case) checks every /v2/ request against the AuthService, serves
 * its token endpoint at /token and audits pulls, pushes and deletes; `authorize` plugs in a bare hook
 * instead (`allowAll` runs without any access control: tests and trusted loopback servers only).
 */
export type BuildOptions = {
  registry: RegistryService;
  logger?: Logger;
  /** PEM certificate (chain) and private key: the app then serves HTTPS. */
  tls?: { cert: Buffer; key: Buffer };
  /** Per-project pull gates (src/registry-policy): refused manifest GETs answer 403 DENIED with the reason. */
  pullGate?: PullGate;
  /**
   * The other APIs on the same listener (management API, metadata API, admission webhook), each
   * registering its routes in its own scope (see api/json-api.ts).
   */
  extensions?: readonly ServerExtension[];
} & ({ auth: AuthService } | { authorize: Authorize });

/** Registers one API on the app; `auth` is undefined on a server without access control. */
export type ServerExtension = (app: FastifyInstance, context: { auth: AuthService | undefined; logger: Logger }) => void;

/** Fastify's own request errors (malformed headers, aborted bodies) in the spec's vocabulary. */
function toRegistryError(error: unknown, logger: Logger): RegistryError {
  if (error instanceof RegistryError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
    // The client went away mid-body: its upload keeps what arrived, and it may resume.
    return new RegistryError('BLOB_UPLOAD_INVALID', 'the request body ended early', { cause: error });
  }
  const fastifyError = error as Partial<FastifyError>;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode < 500) {
    return new RegistryError('UNSUPPORTED', fastifyError.message ?? 'bad request', { cause: error });
  }
  logger.error(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new RegistryError('UNKNOWN', 'internal error', { cause: error });
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: RegistryError): FastifyReply {
  const info = ERROR_CODES[error.registryCode];
  reply.code(info.status).headers(error.headers);
  if (request.method === 'HEAD') return reply.send();
  return reply.type('application/json').send(errorBody(error.registryCode, error.message || info.message, error.detail));
}

export function build(options: BuildOptions): FastifyInstance {
  const logger = options.logger ?? silentLogger;
  const settings = { logger: false, exposeHeadRoutes: false, return503OnClosing: true } as const;
  // The HTTPS instance has the same API; only its server type differs.
  const app = options.tls === undefined ? Fastify(settings) : (Fastify({ ...settings, https: options.tls }) as unknown as FastifyInstance);
  // Bodies stay unread streams: uploads are streamed to disk, manifests read with a size limit.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null, undefined));
  logRequests(app, logger);
  app.setErrorHandler((error, request, reply) => sendError(request, reply, toRegistryError(error, logger)));
  app.setNotFoundHandler((request, reply) => sendError(request, reply, new RegistryError('NAME_UNKNOWN', 'no such endpoint')));
  const pullCheck = options.pullGate === undefined ? undefined : pullGateCheck(options.pullGate);
  if ('auth' in options) {
    registerTokenRoute(app, { auth: options.auth });
    auditRegistryAccess(app, options.auth);
    registerDistributionRoutes(app, options.registry, authServiceAuthorize(options.auth), logger, pullCheck);
  } else {
    registerDistributionRoutes(app, options.registry, options.authorize, logger, pullCheck);
  }
  const context = { auth: 'auth' in options ? options.auth : undefined, logger };
  for (const extend of options.extensions ?? []) extend(app, context);
  return app;
}
