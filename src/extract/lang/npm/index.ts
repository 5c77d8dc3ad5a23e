/** Extractors for npm packages: installed manifests and the lock files of npm, yarn and pnpm. */
export { npmInstalledExtractor } from './installed.ts';
export { npmLockExtractor } from './package-lock.ts';
export { yarnLockExtractor } from './yarn-lock.ts';
export { pnpmLockExtractor } from './pnpm-lock.ts';
