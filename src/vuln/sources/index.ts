/** Advisory sources: the feed formats Portcullis reads, importing them, and updating from the public feeds. */
export type { AdvisoryRecord, AdvisorySource, SourceContext, SourceLimits } from './types.ts';
export { DEFAULT_SOURCE_LIMITS } from './types.ts';
export { SOURCES, detectSource, sourceNamed } from './list.ts';
export { importPaths, type ImportOptions, type SourceImportReport } from './import.ts';
export { feedList, type Feed } from './feeds/config.ts';
export { download, type DownloadOptions, type DownloadProgress, type DownloadResult } from './feeds/download.ts';
export { updateDatabase, type FeedReport, type UpdateOptions, type UpdateReport } from './feeds/update.ts';
