/** Opens the default embedded registry: filesystem blobs and SQLite metadata under one directory. */
import { mkdir } from 'node:fs/promises';
import { FsBlobStore, SqliteMetadataStore } from '../storage/index.ts';
import type { RegistryLimits } from './context.ts';
import type { TagGuard } from './tag-guard.ts';
import { RegistryService } from './service.ts';

export interface OpenRegistryOptions {
  /** The data directory (created when missing). */
  dataDir: string;
  limits?: Partial<RegistryLimits>;
  now?: () => number;
  tagGuard?: TagGuard;
}

export async function openRegistry(options: OpenRegistryOptions): Promise<RegistryService> {
  await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const blobs = await new FsBlobStore(options.dataDir).init();
  const metadata = new SqliteMetadataStore(blobs.layout.metadataFile);
  return new RegistryService({
    blobs,
    metadata,
    ...(options.limits !== undefined && { limits: options.limits }),
    ...(options.now !== undefined && { now: options.now }),
    ...(options.tagGuard !== undefined && { tagGuard: options.tagGuard }),
  });
}
