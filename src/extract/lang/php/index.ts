/** Extractors for PHP packages: Composer's lock file and its installed list. */
export { composerLockExtractor, composerInstalledExtractor } from './composer.ts';
