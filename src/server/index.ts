/** The server module's public surface: the app factory and the access-control hook. */
export { build, type BuildOptions } from './app.ts';
export { auditRegistryAccess, authServiceAuthorize, scopesFor } from './auth-hook.ts';
export { allowAll, type AccessRequest, type Action, type Authorize } from './authorize.ts';
export { ERROR_CODES, errorBody, type ErrorCodeInfo } from './error-codes.ts';
