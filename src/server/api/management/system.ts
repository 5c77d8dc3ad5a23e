/** What the server is and how it is doing: version, storage, the scan queue and the advisory data. */
import type { FastifyInstance } from 'fastify';
import { requireAuthenticated } from '../json-api.ts';
import type { ApiContext } from './context.ts';

export function registerSystemRoutes(scope: FastifyInstance, context: ApiContext): void {
  scope.get('/system/info', async (request) => {
    await requireAuthenticated(request);
    const newest = context.scanner.listJobs('scan', 'done', 1)[0];
    return {
      version: context.version,
      accessControl: context.auth !== undefined,
      storage: { driver: 'filesystem+sqlite', ...(context.dataDir !== undefined && { dataDir: context.dataDir }), maxManifestBytes: context.registry.limits.maxManifestBytes },
      scanner: {
        queue: context.scanner.scanQueue(),
        ...(newest !== undefined && { lastScanAt: new Date(newest.updatedAt).toISOString() }),
      },
    };
  });
}
