/**
 * The webhook endpoints, under /admission on `portcullis serve` and on the standalone
 * `portcullis admission` server alike:
 *
 *   POST /admission/validate  AdmissionReview in, AdmissionReview out (allowed, status, warnings)
 *   POST /admission/mutate    AdmissionReview in, AdmissionReview out with a JSONPatch pinning digests
 *   GET  /admission/healthz   200 "ok", for the Deployment's probes
 *
 * The API server authenticates the webhook by its TLS certificate (caBundle), not by credentials,
 * so these endpoints take none. A body that is not an AdmissionReview answers 400: the API server
 * then applies failurePolicy (Fail), so hostile or broken input never admits anything.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../core/index.ts';
import { registerJsonApi } from '../server/index.ts';
import type { AdmissionController } from './controller.ts';
import { MAX_REVIEW_BYTES, parseAdmissionReview, reviewResponse } from './review.ts';

export const ADMISSION_PREFIX = '/admission';

export function registerAdmissionRoutes(app: FastifyInstance, controller: AdmissionController, logger: Logger): void {
  registerJsonApi(app, { prefix: ADMISSION_PREFIX, logger, bodyLimit: MAX_REVIEW_BYTES }, (scope) => {
    scope.post('/validate', async (request) => reviewResponse(await controller.validate(parseAdmissionReview(request.body))));
    scope.post('/mutate', async (request) => reviewResponse(await controller.mutate(parseAdmissionReview(request.body))));
    scope.get('/healthz', async (_request, reply) => reply.type('text/plain').send('ok'));
  });
}
