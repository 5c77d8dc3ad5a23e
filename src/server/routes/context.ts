/** What a /v2/ endpoint handler is given. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '../../core/index.ts';
import type { RegistryService } from '../../registry/index.ts';
import type { Authorize } from '../authorize.ts';
import type { PullCheck } from '../pull-gate.ts';

export interface HandlerContext {
  request: FastifyRequest;
  reply: FastifyReply;
  registry: RegistryService;
  authorize: Authorize;
  query: URLSearchParams;
  logger: Logger;
  /** Refuses manifest pulls that a project's pull gate does not let out. */
  pullCheck?: PullCheck;
}

export const API_VERSION_HEADER = 'docker-distribution-api-version';
