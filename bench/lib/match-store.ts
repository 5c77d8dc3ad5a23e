/**
 * The generated records (match-data.ts) written into a real advisory store through its own import
 * API (`importRun` + `put`, as `portcullis db import` writes), cached as one SQLite file under
 * ~/.cache/portcullis-bench/ because writing half a million records takes a while. The file is
 * built under a temporary name and renamed when complete, so a killed build is never reused.
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { openAdvisoryStore } from '../../src/vuln/store/index.ts';
import { GENERATOR_VERSION, type GeneratedRecord } from './match-data.ts';
import { timed } from './run.ts';

const CACHE = join(homedir(), '.cache', 'portcullis-bench');

export interface GeneratedStore {
  path: string;
  /** Seconds spent writing it in this run; undefined when it came from the cache. */
  buildSeconds?: number;
}

/** Path of the store holding `records` (generated with `generate`, called only on a cache miss). */
export async function generatedStore(recordCount: number, generate: () => GeneratedRecord[]): Promise<GeneratedStore> {
  const path = join(CACHE, `match-store-${recordCount}-g${GENERATOR_VERSION}.db`);
  if (existsSync(path)) return { path };
  await mkdir(CACHE, { recursive: true });
  const tmp = `${path}.tmp`;
  await rm(tmp, { force: true });
  await rm(`${tmp}-wal`, { force: true });
  await rm(`${tmp}-shm`, { force: true });
  process.stderr.write(`writing ${recordCount.toLocaleString('en')} generated records into ${path} (once)\n`);
  const records = generate();
  const store = openAdvisoryStore(tmp);
  const { seconds } = await timed(async () => {
    try {
      await store.importRun(async (run) => {
        for (const { advisory, affected } of records) run.put({ advisory, affected: [affected] });
      });
    } finally {
      store.close();
    }
  });
  await rename(tmp, path);
  return { path, buildSeconds: seconds };
}
