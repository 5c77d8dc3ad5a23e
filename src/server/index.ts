/** The server module's public surface: the app factory and the access-control hook. */
export { build, type BuildOptions, type ServerExtension } from './app.ts';
export { ApiError, apiErrorBody, bodyObject, callerOf, registerJsonApi, requireAdmin, requireAuthenticated, requireProjectMaintainer, requireRepositoryAction, LOCAL_ADMIN, type ApiStatus, type JsonApiOptions } from './api/json-api.ts';
export { auditRegistryAccess, authServiceAuthorize, scopesFor } from './auth-hook.ts';
export { allowAll, type AccessRequest, type Action, type Authorize } from './authorize.ts';
export { ERROR_CODES, errorBody, type ErrorCodeInfo } from './error-codes.ts';
