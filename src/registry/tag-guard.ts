/**
 * Tag immutability in the registry's own manifest path, so every client and API obeys it. The
 * composition root supplies a TagGuard (the lifecycle rules); the registry asks it before a push
 * moves a tag, a tag is deleted, or a manifest carrying tags is deleted, and refuses with DENIED.
 *
 * Pushes of a protected tag are serialised per repository and tag: without that, two pushes of a
 * new tag could both see it absent and the second would silently move it.
 */
import type { MetadataStore } from '../storage/index.ts';
import { RegistryError } from './errors.ts';

/**
 * Says whether a tag is immutable: the rule that protects it (shown in the refusal, e.g.
 * `repositories "**" tags "v*"`), or undefined when the tag may move.
 */
export type TagGuard = (repository: string, tag: string) => string | undefined | Promise<string | undefined>;

function denied(repository: string, tag: string, rule: string): RegistryError {
  return new RegistryError('DENIED', `tag ${tag} of ${repository} is immutable (rule ${rule})`, { detail: { repository, tag } });
}

export class TagProtection {
  readonly #guard: TagGuard | undefined;
  readonly #metadata: MetadataStore;
  /** The last push in progress per protected `repository:tag`; the next one waits for it. */
  readonly #pushes = new Map<string, Promise<unknown>>();

  constructor(guard: TagGuard | undefined, metadata: MetadataStore) {
    this.#guard = guard;
    this.#metadata = metadata;
  }

  /** Runs `store` (the push of `digest` to `tag`) unless it would move an immutable tag elsewhere. */
  async push<T>(repository: string, tag: string, digest: string, store: () => Promise<T>): Promise<T> {
    const rule = this.#guard === undefined ? undefined : await this.#guard(repository, tag);
    if (rule === undefined) return store();
    const key = `${repository}:${tag}`;
    const previous = this.#pushes.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(async () => {
      const current = await this.#metadata.resolveTag(repository, tag);
      if (current !== undefined && current !== digest) throw denied(repository, tag, rule);
      return store();
    });
    this.#pushes.set(key, run);
    try {
      return await run;
    } finally {
      if (this.#pushes.get(key) === run) this.#pushes.delete(key);
    }
  }

  /** Refuses deleting an immutable tag. */
  async checkTagDelete(repository: string, tag: string): Promise<void> {
    const rule = this.#guard === undefined ? undefined : await this.#guard(repository, tag);
    if (rule !== undefined) throw denied(repository, tag, rule);
  }

  /** Refuses deleting a manifest that an immutable tag points to (its tags would go with it). */
  async checkManifestDelete(repository: string, digest: string): Promise<void> {
    if (this.#guard === undefined) return;
    for (const tag of await this.#metadata.tagsOf(repository, digest)) await this.checkTagDelete(repository, tag);
  }
}
