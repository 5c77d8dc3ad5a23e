/**
 * The last `capacity` bytes of a stream (and at most one chunk more), kept as the chunks that
 * carried them, so data a little behind the current position can still be read by file offset.
 * Small chunks are joined first: a stream of tiny chunks costs neither many objects nor repeated
 * copies.
 */
export type WindowRead = { kind: 'bytes'; bytes: Buffer } | { kind: 'behind' } | { kind: 'ahead' };

/** Chunks under this size are joined into one of about `JOINED_BYTES` before they are kept. */
const SMALL_CHUNK_BYTES = 16 * 1024;
const JOINED_BYTES = 64 * 1024;

export class ChunkWindow {
  readonly #capacity: number;
  readonly #chunks: Array<{ start: number; bytes: Buffer }> = [];
  /** Index of the oldest chunk still held (dropped ones are removed in batches). */
  #first = 0;
  #held = 0;
  /** File offset just past the last byte pushed. */
  #end = 0;
  #small: Buffer[] = [];
  #smallLength = 0;
  #smallStart = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(chunk: Buffer, start: number): void {
    if (chunk.length === 0) return;
    this.#end = start + chunk.length;
    if (chunk.length < SMALL_CHUNK_BYTES) {
      if (this.#smallLength === 0) this.#smallStart = start;
      this.#small.push(chunk);
      this.#smallLength += chunk.length;
      if (this.#smallLength >= JOINED_BYTES) this.#joinSmall();
      return;
    }
    this.#joinSmall();
    this.#keep(chunk, start);
  }

  /** `length` bytes at file offset `offset`: held, already dropped, or not streamed yet. */
  read(offset: number, length: number): WindowRead {
    this.#joinSmall();
    const first = this.#chunks[this.#first];
    if (first === undefined || offset < first.start) return { kind: 'behind' };
    if (offset + length > this.#end) return { kind: 'ahead' };
    const parts: Buffer[] = [];
    for (let index = this.#first; index < this.#chunks.length; index++) {
      const { start, bytes } = this.#chunks[index]!;
      const from = Math.max(offset, start);
      const to = Math.min(offset + length, start + bytes.length);
      if (from < to) parts.push(bytes.subarray(from - start, to - start));
    }
    return { kind: 'bytes', bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts) };
  }

  #joinSmall(): void {
    if (this.#smallLength === 0) return;
    const joined = this.#small.length === 1 ? this.#small[0]! : Buffer.concat(this.#small, this.#smallLength);
    this.#keep(joined, this.#smallStart);
    this.#small = [];
    this.#smallLength = 0;
  }

  #keep(bytes: Buffer, start: number): void {
    this.#chunks.push({ start, bytes });
    this.#held += bytes.length;
    while (this.#chunks.length - this.#first > 1 && this.#held - this.#chunks[this.#first]!.bytes.length >= this.#capacity) {
      this.#held -= this.#chunks[this.#first]!.bytes.length;
      this.#first++;
    }
    if (this.#first > 1024) {
      this.#chunks.splice(0, this.#first);
      this.#first = 0;
    }
  }
}
