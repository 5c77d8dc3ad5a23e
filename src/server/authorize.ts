/**
 * The access-control hook of the /v2/ API. Every request is described as an AccessRequest (which
 * repository, which actions) and handed to the `authorize` function given to build(); that function
 * resolves to allow, or throws a RegistryError UNAUTHORIZED (with a WWW-Authenticate header) or
 * DENIED. There is no default: a server without access control must say so with `allowAll`.
 */
import type { FastifyRequest } from 'fastify';

/** `catalog` is the registry-wide listing; the others are the docker token scope actions. */
export type Action = 'pull' | 'push' | 'delete' | 'catalog';

export interface AccessRequest {
  /** The repository, or undefined for registry-wide requests (`/v2/`, `/v2/_catalog`). */
  repository: string | undefined;
  /** Empty for `/v2/` (only "who are you?"). */
  actions: Action[];
}

export type Authorize = (request: FastifyRequest, access: AccessRequest) => void | Promise<void>;

/** Lets everyone do everything: for tests and explicitly unauthenticated local servers only. */
export const allowAll: Authorize = () => {};
