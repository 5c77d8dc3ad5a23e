/**
 * Events the registry emits after a change is durable, for consumers wired in by the composition
 * root (scan queue, webhooks, audit). Listeners run after the response is decided; a throwing
 * listener is reported to `error` listeners and never fails the push.
 */
import { EventEmitter } from 'node:events';

export interface ManifestPushed {
  repository: string;
  digest: string;
  mediaType: string;
  /** The tag the push named, if it was a push by tag. */
  tag?: string;
  /** Digest of the manifest this one refers to, for referrer artifacts (signatures, SBOMs). */
  subject?: string;
}

export interface ManifestDeleted {
  repository: string;
  /** The deleted manifest, or for a tag delete the digest the tag pointed to. */
  digest: string;
  /** Set when only a tag was deleted. */
  tag?: string;
}

export interface RegistryEventMap {
  manifestPushed: [ManifestPushed];
  manifestDeleted: [ManifestDeleted];
  error: [unknown];
}

export class RegistryEvents extends EventEmitter<RegistryEventMap> {
  /** Emits to every listener; a listener's exception goes to `error` listeners instead of the caller. */
  publish<K extends 'manifestPushed' | 'manifestDeleted'>(event: K, ...payload: RegistryEventMap[K]): void {
    for (const listener of this.listeners(event)) {
      try {
        (listener as (...args: RegistryEventMap[K]) => void)(...payload);
      } catch (error) {
        if (this.listenerCount('error') > 0) this.emit('error', error);
      }
    }
  }
}
