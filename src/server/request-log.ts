/**
 * One log line per request: method, path, status, duration. The query string is left out (it may
 * carry tokens or state) and no header is ever logged (Authorization, cookies).
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../core/index.ts';

export function logRequests(app: FastifyInstance, logger: Logger): void {
  app.addHook('onResponse', async (request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const shown = path.length > 300 ? `${path.slice(0, 300)}...` : path;
    const line = `${request.method} ${shown} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`;
    if (reply.statusCode >= 500) logger.error(line);
    else logger.info(line);
  });
}
