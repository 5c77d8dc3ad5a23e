/**
 * The pull gate of the manifest GET route: asks the registry-policy PullGate whether the manifest
 * may be served and answers a refusal as 403 DENIED whose message says why (which findings, since
 * when, how to get an exception). Robots with the scanner role bypass it: they must read any image.
 * HEAD requests are not gated: they reveal the digest only, and their answers carry no message.
 */
import type { FastifyRequest } from 'fastify';
import type { PullGate } from '../registry-policy/index.ts';
import { RegistryError } from '../registry/index.ts';
import { requestPrincipal } from './auth-hook.ts';

export type PullCheck = (request: FastifyRequest, pull: { repository: string; digest: string; mediaType: string; content: Uint8Array }) => void;

export function pullGateCheck(gate: PullGate): PullCheck {
  return (request, pull) => {
    if (request.method !== 'GET') return;
    const principal = requestPrincipal(request);
    if (principal?.kind === 'robot' && principal.scanner) return;
    const decision = gate.check(pull);
    if (decision === undefined || decision.allowed) return;
    throw new RegistryError('DENIED', decision.reason, {
      detail: { repository: pull.repository, digest: pull.digest, findings: decision.blocking },
    });
  };
}
