/** Extractors for Python packages: installed metadata and the lock files of poetry, pipenv and pip. */
export { pythonInstalledExtractor } from './installed.ts';
export { poetryLockExtractor } from './poetry-lock.ts';
export { pipfileLockExtractor } from './pipfile-lock.ts';
export { requirementsExtractor } from './requirements.ts';
