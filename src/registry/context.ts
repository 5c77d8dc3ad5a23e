/** What every part of the registry service shares: the stores, the clock, the lock, the events. */
import type { BlobStore, MetadataStore } from '../storage/index.ts';
import type { RegistryEvents } from './events.ts';
import type { GcLock } from './gc-lock.ts';
import type { TagProtection } from './tag-guard.ts';

export interface RegistryLimits {
  /** Largest manifest or index accepted, in bytes (default 4 MiB). */
  maxManifestBytes: number;
}

export interface RegistryContext {
  blobs: BlobStore;
  metadata: MetadataStore;
  events: RegistryEvents;
  lock: GcLock;
  tags: TagProtection;
  limits: RegistryLimits;
  now: () => number;
}
