/**
 * The Grafeas v1 metadata API of `portcullis serve`, under /v1, as a ServerExtension. Errors use
 * Google's JSON error form (server/api/json-api.ts), which Grafeas clients read.
 */
import type { FastifyInstance } from 'fastify';
import { projectOf as repositoryProject } from '../../../auth/index.ts';
import type { ServerExtension } from '../../app.ts';
import { ApiError, registerJsonApi } from '../json-api.ts';
import { AlreadyExistsError, type MetadataStore, parseImageResourceUri, parseProjectId } from '../../../metadata/index.ts';
import { requireProject } from './access.ts';
import { noteRoutes } from './notes.ts';
import { occurrenceRoutes } from './occurrences.ts';
import { pathParam, queryString } from './params.ts';
import { projectRoutes } from './projects.ts';

export interface MetadataApiOptions {
  store: MetadataStore;
  /** Largest request body (default 1 MiB). */
  bodyLimit?: number;
}

/** GET /v1/projects/{p}/lifecycleLabels?resourceUri=URI (Portcullis extension). */
function labelRoutes(scope: FastifyInstance, store: MetadataStore): void {
  scope.get('/projects/:project/lifecycleLabels', async (request) => {
    const project = parseProjectId(pathParam(request, 'project'));
    await requireProject(request, project, 'read');
    const resourceUri = queryString(request, 'resourceUri') ?? '';
    const image = parseImageResourceUri(resourceUri);
    if (image === undefined || repositoryProject(image.repository) !== project) {
      throw new ApiError('INVALID_ARGUMENT', `resourceUri must name an image of project ${project}: https://HOST/${project}/REPOSITORY@sha256:...`);
    }
    return { resourceUri, labels: store.labels(resourceUri) };
  });
}

export function metadataApi(options: MetadataApiOptions): ServerExtension {
  return (app, { auth, logger }) => {
    registerJsonApi(app, { prefix: '/v1', auth, logger, ...(options.bodyLimit !== undefined && { bodyLimit: options.bodyLimit }) }, (scope) => {
      // A child scope so that "already exists" becomes 409 before the API's error handler answers.
      scope.register(async (routes) => {
        routes.setErrorHandler((error) => {
          throw error instanceof AlreadyExistsError ? new ApiError('ALREADY_EXISTS', error.message) : error;
        });
        projectRoutes(routes, options.store);
        noteRoutes(routes, options.store);
        occurrenceRoutes(routes, options.store);
        labelRoutes(routes, options.store);
      });
    });
  };
}
