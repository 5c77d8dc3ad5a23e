/**
 * The management REST API of `portcullis serve` under /api/v1: repositories, artifacts, scan
 * results, labels, pull gates and exceptions, projects, accounts, the audit log and system state,
 * described by the OpenAPI document at /api/v1/openapi.json (docs/management-api.md).
 */
import type { ServerExtension } from '../../app.ts';
import { registerJsonApi } from '../json-api.ts';
import { registerAccountRoutes } from './accounts.ts';
import { registerArtifactRoutes } from './artifacts.ts';
import { registerAuditRoutes } from './audit.ts';
import type { ApiContext, ManagementDeps } from './context.ts';
import { registerGateRoutes } from './gates.ts';
import { registerLabelRoutes } from './labels.ts';
import { registerOpenApiRoute } from './openapi.ts';
import { registerProjectRoutes } from './projects.ts';
import { registerRepositoryRoutes } from './repositories.ts';
import { registerScanRoutes } from './scans.ts';
import { registerSystemRoutes } from './system.ts';

export type { ManagementDeps } from './context.ts';
export { openApiDocument } from './openapi.ts';

export const MANAGEMENT_PREFIX = '/api/v1';

export function registerManagementApi(deps: ManagementDeps): ServerExtension {
  return (app, { auth, logger }) => {
    const context: ApiContext = { ...deps, auth, now: deps.now ?? Date.now };
    registerJsonApi(app, { prefix: MANAGEMENT_PREFIX, auth, logger, ...(deps.bodyLimit !== undefined && { bodyLimit: deps.bodyLimit }) }, (scope) => {
      registerOpenApiRoute(scope, deps.version);
      registerRepositoryRoutes(scope, context);
      registerArtifactRoutes(scope, context);
      registerScanRoutes(scope, context);
      registerLabelRoutes(scope, context);
      registerGateRoutes(scope, context);
      registerProjectRoutes(scope, context);
      registerAccountRoutes(scope, context);
      registerAuditRoutes(scope, context);
      registerSystemRoutes(scope, context);
    });
  };
}
