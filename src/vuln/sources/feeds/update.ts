/**
 * `db update`: download every selected feed into the cache beside the database, then import the
 * sources whose feeds changed in one store transaction. Nothing touches the database until every
 * download has succeeded and verified, so an offline machine or a bad download keeps the old one.
 */
import { silentLogger, type Logger } from '../../../core/index.ts';
import type { AdvisoryStore } from '../../store/index.ts';
import { ImportTally, readInto, type SourceImportReport } from '../import.ts';
import { sourceNamed } from '../list.ts';
import type { SourceLimits } from '../types.ts';
import { feedList, type Feed } from './config.ts';
import { download, type DownloadProgress, type DownloadResult } from './download.ts';
import { join } from 'node:path';

export interface UpdateOptions {
  /** Directory holding the downloaded feed files (and partial downloads). */
  cacheDir: string;
  /** Only these sources' feeds; default all. */
  sources?: readonly string[] | undefined;
  /** A mirror (or test server) serving every feed under one base URL. */
  baseUrl?: string | undefined;
  logger?: Logger;
  limits?: Partial<SourceLimits>;
  onProgress?: (feed: Feed, event: DownloadProgress) => void;
  attempts?: number;
}

export interface FeedReport {
  url: string;
  source: string;
  changed: boolean;
  bytes: number;
}

export interface UpdateReport {
  feeds: FeedReport[];
  /** Sources imported (those with a changed feed); empty when everything was current. */
  imported: SourceImportReport[];
}

export async function updateDatabase(store: AdvisoryStore, options: UpdateOptions): Promise<UpdateReport> {
  const logger = options.logger ?? silentLogger;
  for (const name of options.sources ?? []) sourceNamed(name);
  const feeds = feedList(options.baseUrl).filter((feed) => !options.sources || options.sources.includes(feed.source));
  const downloads: Array<{ feed: Feed; result: DownloadResult }> = [];
  for (const feed of feeds) {
    const previous = store.feed(feed.url);
    logger.debug(`feed ${feed.url}`);
    const result = await download(feed.url, join(options.cacheDir, feed.cacheName), {
      previous,
      attempts: options.attempts,
      onProgress: (event) => options.onProgress?.(feed, event),
    });
    downloads.push({ feed, result });
  }
  const known = new Set(store.status().sources.map((source) => source.name));
  const changed = new Set(downloads.filter(({ feed, result }) => result.changed || !known.has(feed.source)).map(({ feed }) => feed.source));
  const tally = new ImportTally();
  if (changed.size > 0) {
    await store.importRun(async (run) => {
      for (const { feed, result } of downloads) {
        if (!changed.has(feed.source)) continue;
        await readInto(run, sourceNamed(feed.source), result.file, tally, { logger, limits: options.limits ?? {} });
        run.recordFeed({ url: feed.url, source: feed.source, etag: result.etag, lastModified: result.lastModified, bytes: result.bytes });
      }
    });
  }
  return {
    feeds: downloads.map(({ feed, result }) => ({ url: feed.url, source: feed.source, changed: result.changed, bytes: result.bytes })),
    imported: tally.reports(),
  };
}
