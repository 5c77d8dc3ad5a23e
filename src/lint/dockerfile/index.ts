/**
 * Dockerfile checks (`portcullis lint dockerfile`): reading, parsing, the checks, custom rules and
 * inline ignores. See docs/checks/dockerfile.md for every check.
 */
export { DOCKERFILE_CHECKS, type DockerfileCheck, type DockerfileLintOptions } from './checks/index.ts';
export { IGNORE_WITHOUT_REASON } from './ignores.ts';
export { ALL_DOCKERFILE_CHECK_IDS, type DockerfileInput, type LintDockerfileOptions, dockerfileCheckDefinitions, lintDockerfile, lintDockerfiles } from './lint.ts';
export { DEFAULT_MAX_DOCKERFILE_BYTES, type ReadDockerfileOptions, readDockerfiles } from './read.ts';
export { loadDockerfileConfig, parseAllowedRegistries, parseDockerfileConfig } from './config.ts';
