/**
 * A cursor over a stream of chunks, for the binary formats read on the hot path (tar, zstd frames).
 * Reads are zero-copy slices of the current chunk except where a record straddles two chunks.
 */
const EMPTY = Buffer.alloc(0);

export class ByteReader {
  position = 0;
  readonly #iterator: AsyncIterator<Buffer>;
  #chunk: Buffer = EMPTY;
  #offset = 0;
  #done = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** Exactly `length` bytes, or fewer only at the end of the stream. */
  async read(length: number): Promise<Buffer> {
    if (!(await this.#fill())) return EMPTY;
    if (this.#chunk.length - this.#offset >= length) return this.#take(length);
    const out = Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length && (await this.#fill())) {
      const part = this.#take(length - filled);
      part.copy(out, filled);
      filled += part.length;
    }
    return filled === length ? out : out.subarray(0, filled);
  }

  /** The next slice of at most `max` bytes, or null at the end of the stream. */
  async next(max: number): Promise<Buffer | null> {
    return (await this.#fill()) ? this.#take(max) : null;
  }

  /** Skips up to `length` bytes; returns how many were skipped (fewer only at the end). */
  async skip(length: number): Promise<number> {
    let skipped = 0;
    while (skipped < length && (await this.#fill())) skipped += this.#take(length - skipped).length;
    return skipped;
  }

  async drain(): Promise<void> {
    while (await this.#fill()) this.#take(Infinity);
  }

  async close(): Promise<void> {
    if (!this.#done) {
      this.#done = true;
      await this.#iterator.return?.();
    }
  }

  #take(max: number): Buffer {
    const end = Math.min(this.#chunk.length, this.#offset + max);
    const slice = this.#chunk.subarray(this.#offset, end);
    this.position += slice.length;
    this.#offset = end;
    return slice;
  }

  async #fill(): Promise<boolean> {
    while (this.#offset >= this.#chunk.length) {
      if (this.#done) return false;
      const next = await this.#iterator.next();
      if (next.done === true) {
        this.#done = true;
        return false;
      }
      this.#chunk = next.value;
      this.#offset = 0;
    }
    return true;
  }
}
