/**
 * RPM header blobs as rpm stores them in its database: a big-endian index of (tag, type, offset,
 * count) entries followed by a data store the offsets point into (rpm's lib/header.c "header
 * blob" without the on-disk magic). Hand-written because no npm package reads the format and it is
 * small; every read is bounds-checked against the data store, so a hostile blob yields an INPUT
 * error, never an over-read, a huge allocation or a long loop.
 */
import { inputError } from '../../../core/index.ts';

/** rpm's own sanity limits (lib/header_internal.h hdrchkTags / hdrchkData). */
const MAX_INDEX_ENTRIES = 0xffff;
const MAX_DATA_BYTES = 256 * 1024 * 1024;
const INDEX_ENTRY_BYTES = 16;

/** The tag types rpm defines (rpmTagType). */
const TYPE = { INT32: 4, STRING: 6, STRING_ARRAY: 8, I18NSTRING: 9 } as const;
const MAX_TYPE = 9;

interface IndexEntry {
  type: number;
  offset: number;
  count: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A parsed header: typed, checked accessors by tag number. */
export class RpmHeader {
  readonly #entries: Map<number, IndexEntry>;
  readonly #data: Uint8Array;
  readonly #view: DataView;

  private constructor(entries: Map<number, IndexEntry>, data: Uint8Array) {
    this.#entries = entries;
    this.#data = data;
    this.#view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }

  /** Checks the blob's framing and index; tag contents are checked when read. */
  static parse(blob: Uint8Array): RpmHeader {
    if (blob.length < 8) throw inputError(`rpm header: ${blob.length} bytes is too short for a header`);
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    const indexCount = view.getUint32(0);
    const dataLength = view.getUint32(4);
    if (indexCount < 1 || indexCount > MAX_INDEX_ENTRIES) throw inputError(`rpm header: bad index entry count ${indexCount}`);
    if (dataLength > MAX_DATA_BYTES) throw inputError(`rpm header: bad data length ${dataLength}`);
    const dataStart = 8 + indexCount * INDEX_ENTRY_BYTES;
    if (dataStart + dataLength > blob.length) {
      throw inputError(`rpm header: ${indexCount} entries and ${dataLength} data bytes need ${dataStart + dataLength} bytes, blob has ${blob.length}`);
    }
    const entries = new Map<number, IndexEntry>();
    for (let index = 0; index < indexCount; index += 1) {
      const at = 8 + index * INDEX_ENTRY_BYTES;
      const tag = view.getInt32(at);
      const type = view.getUint32(at + 4);
      const offset = view.getInt32(at + 8);
      const count = view.getUint32(at + 12);
      if (type > MAX_TYPE) throw inputError(`rpm header: tag ${tag} has unknown type ${type}`);
      if (offset < 0 || offset > dataLength) throw inputError(`rpm header: tag ${tag} points at ${offset}, outside the ${dataLength}-byte data store`);
      // The first entry of a tag wins, as in rpm's own lookup of a sorted index.
      if (!entries.has(tag)) entries.set(tag, { type, offset, count });
    }
    return new RpmHeader(entries, blob.subarray(dataStart, dataStart + dataLength));
  }

  /** A STRING (or the first I18NSTRING) tag; undefined when absent. */
  string(tag: number): string | undefined {
    const entry = this.#entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== TYPE.STRING && entry.type !== TYPE.I18NSTRING) throw inputError(`rpm header: tag ${tag} is type ${entry.type}, not a string`);
    return this.#stringAt(tag, entry.offset).value;
  }

  /** A STRING_ARRAY tag; undefined when absent. */
  stringArray(tag: number): string[] | undefined {
    const entry = this.#entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== TYPE.STRING_ARRAY) throw inputError(`rpm header: tag ${tag} is type ${entry.type}, not a string array`);
    // Every string takes at least its NUL byte: a count larger than the bytes left is a lie.
    if (entry.count > this.#data.length - entry.offset) throw inputError(`rpm header: tag ${tag} claims ${entry.count} strings in ${this.#data.length - entry.offset} bytes`);
    const values: string[] = [];
    let offset = entry.offset;
    for (let index = 0; index < entry.count; index += 1) {
      const { value, next } = this.#stringAt(tag, offset);
      values.push(value);
      offset = next;
    }
    return values;
  }

  /** An INT32 array tag (values as unsigned, as rpm treats them); undefined when absent. */
  int32Array(tag: number): number[] | undefined {
    const entry = this.#entries.get(tag);
    if (!entry) return undefined;
    if (entry.type !== TYPE.INT32) throw inputError(`rpm header: tag ${tag} is type ${entry.type}, not INT32`);
    if (entry.count > (this.#data.length - entry.offset) / 4) throw inputError(`rpm header: tag ${tag} claims ${entry.count} INT32 values past the data store`);
    return Array.from({ length: entry.count }, (_, index) => this.#view.getUint32(entry.offset + index * 4));
  }

  /** The NUL-terminated UTF-8 string at `offset` and the offset just past its NUL. */
  #stringAt(tag: number, offset: number): { value: string; next: number } {
    const end = this.#data.indexOf(0, offset);
    if (end === -1) throw inputError(`rpm header: tag ${tag} string at ${offset} runs past the data store`);
    try {
      return { value: strictUtf8.decode(this.#data.subarray(offset, end)), next: end + 1 };
    } catch {
      throw inputError(`rpm header: tag ${tag} string at ${offset} is not valid UTF-8`);
    }
  }
}
