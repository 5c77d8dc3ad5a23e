/**
 * Configuration checks (Dockerfiles, Kubernetes manifests): the shared model, the report formatters
 * and each kind's checks. Other modules and the CLI import only from here.
 */
export * from './model.ts';
export * from './report/index.ts';
export * from './dockerfile/index.ts';
export * from './k8s/index.ts';
export { isAllowed, normaliseAllowedRegistry } from './registries.ts';
