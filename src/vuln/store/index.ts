/** The advisory database: a single SQLite file the matcher reads and `portcullis db` writes. */
export { openAdvisoryStore } from './store.ts';
export type { AdvisoryStore, EcosystemStatus, FeedStatus, OpenOptions, SourceStatus, StoreStatus } from './store.ts';
export type { AdvisoryRecord, FeedState, ImportRun } from './import-run.ts';
export { defaultDatabasePath } from './location.ts';
export { SCHEMA_VERSION } from './schema.ts';
