/**
 * Finds and reads a Go binary's build info while the file streams past. It holds the ELF prologue
 * (at most 64 KiB), a look-behind window of the last few megabytes, and the blob itself (bounded
 * by the limits in buildinfo.ts). Binaries can be hundreds of megabytes; they are never held whole.
 *
 * The search is limited, as Go's own debug/buildinfo limits it, to the first writable data segment
 * when the program headers name one: a copy of the magic in read-only data (any program that
 * imports debug/buildinfo has one) is then never mistaken for the blob, and the stream is left as
 * soon as that segment has passed. The look-behind window serves the pre-Go 1.18 pointer format,
 * whose strings usually sit in read-only data before the blob.
 */
import { BUILDINFO_ALIGN, BUILDINFO_MAGIC, decodeBuildInfo } from './buildinfo.ts';
import { ChunkWindow } from './chunk-window.ts';
import { ELF_HEADER_BYTES, ELF_MAGIC, goDataSegment, isElf, readElfHeader, readLoadSegments, type LoadSegment } from './elf.ts';
import { resolvePointerFormat, type ByteRequest, type PointerResolution } from './pointer-format.ts';

/** Program headers further into the file than this are not waited for: the whole file is searched. */
const MAX_PROLOGUE_BYTES = 64 * 1024;
/** How far before the blob pointer-format strings may lie and still be read. */
export const DEFAULT_LOOKBEHIND_BYTES = 32 * 1024 * 1024;
const CARRY_BYTES = BUILDINFO_MAGIC.length - 1;

export type ScanOutcome =
  | { kind: 'not-elf' }
  /** An ELF file without Go build info (C programs and the like). */
  | { kind: 'absent' }
  /** The magic was found but the file ended before everything the blob refers to. */
  | { kind: 'truncated'; offset: number }
  | { kind: 'invalid'; offset: number; reason: string }
  | { kind: 'found'; offset: number; format: 'inline' | 'pointer'; goVersion: Buffer; modinfo: Buffer };

type Phase =
  /** `needed`: bytes to hold before looking again (the magic, then the header, then the program headers). */
  | { name: 'prologue'; parts: Buffer[]; length: number; needed: number }
  | { name: 'search'; from: number; to: number; carry: Buffer }
  | { name: 'collect'; offset: number; parts: Buffer[]; length: number; needed: number }
  | { name: 'resolve'; offset: number; steps: Generator<ByteRequest, PointerResolution, Buffer | undefined>; pending: ByteRequest };

/** Feed chunks in file order with `push`; the first outcome it returns is final. Then or at the end, `finish`. */
export class BuildInfoScanner {
  #phase: Phase = { name: 'prologue', parts: [], length: 0, needed: ELF_MAGIC.length };
  /** File offset of the next byte `push` will see. */
  #position = 0;
  #segments: LoadSegment[] = [];
  readonly #window: ChunkWindow;

  constructor(lookbehindBytes = DEFAULT_LOOKBEHIND_BYTES) {
    this.#window = new ChunkWindow(lookbehindBytes);
  }

  push(chunk: Buffer): ScanOutcome | undefined {
    const start = this.#position;
    this.#position += chunk.length;
    const phase = this.#phase;
    if (phase.name === 'prologue') {
      phase.parts.push(chunk);
      phase.length += chunk.length;
      return this.#afterPrologueBytes(phase, false);
    }
    this.#window.push(chunk, start);
    switch (phase.name) {
      case 'search':
        return this.#search(phase, chunk, start);
      case 'collect':
        return this.#collect(phase, chunk);
      case 'resolve':
        return this.#resolve(phase, phase.pending);
    }
  }

  /** The outcome once the stream has ended. */
  finish(): ScanOutcome {
    const phase = this.#phase;
    switch (phase.name) {
      case 'prologue':
        return this.#afterPrologueBytes(phase, true) ?? this.finish();
      case 'search':
        return { kind: 'absent' };
      case 'collect':
      case 'resolve':
        return { kind: 'truncated', offset: phase.offset };
    }
  }

  #afterPrologueBytes(phase: Extract<Phase, { name: 'prologue' }>, ended: boolean): ScanOutcome | undefined {
    if (phase.length < phase.needed && !ended) return undefined;
    const head = phase.parts.length === 1 ? phase.parts[0]! : Buffer.concat(phase.parts);
    phase.parts = [head];
    if (!isElf(head)) return { kind: 'not-elf' };
    if (head.length < ELF_HEADER_BYTES && !ended) {
      phase.needed = ELF_HEADER_BYTES;
      return undefined;
    }
    const header = readElfHeader(head);
    let range = { from: 0, to: Number.POSITIVE_INFINITY };
    if (header !== undefined) {
      const table = header.programHeaders;
      const tableEnd = table.offset + table.length;
      if (tableEnd <= MAX_PROLOGUE_BYTES && head.length < tableEnd && !ended) {
        phase.needed = tableEnd;
        return undefined;
      }
      if (tableEnd <= head.length && table.length > 0) {
        this.#segments = readLoadSegments(header, head.subarray(table.offset, tableEnd));
        const data = goDataSegment(this.#segments);
        if (data !== undefined) range = { from: data.fileOffset, to: data.fileOffset + data.fileSize };
      }
    }
    const search: Extract<Phase, { name: 'search' }> = { name: 'search', ...range, carry: Buffer.alloc(0) };
    this.#phase = search;
    this.#window.push(head, 0);
    return this.#search(search, head, 0);
  }

  #search(phase: Extract<Phase, { name: 'search' }>, chunk: Buffer, start: number): ScanOutcome | undefined {
    if (start >= phase.to) return { kind: 'absent' };
    const { carry } = phase;
    // A magic split by the chunk boundary starts in the carry-over (the bytes just before `chunk`).
    const seam = Buffer.concat([carry, chunk.subarray(0, CARRY_BYTES)]);
    const inSeam = this.#findMagic(seam, start - carry.length, phase, carry.length);
    if (inSeam !== undefined) return this.#startCollecting(inSeam.offset, Buffer.concat([carry.subarray(inSeam.at), chunk]));
    const inChunk = this.#findMagic(chunk, start, phase, chunk.length);
    if (inChunk !== undefined) return this.#startCollecting(inChunk.offset, chunk.subarray(inChunk.at));
    const kept = chunk.length >= CARRY_BYTES ? chunk : Buffer.concat([carry, chunk]);
    phase.carry = Buffer.from(kept.subarray(Math.max(0, kept.length - CARRY_BYTES)));
    return undefined;
  }

  /** The first 16-byte-aligned magic in `window` that starts before index `before` and inside the searched range. */
  #findMagic(window: Buffer, windowStart: number, range: { from: number; to: number }, before: number): { at: number; offset: number } | undefined {
    for (let at = window.indexOf(BUILDINFO_MAGIC); at >= 0 && at < before; at = window.indexOf(BUILDINFO_MAGIC, at + 1)) {
      const offset = windowStart + at;
      if (offset % BUILDINFO_ALIGN === 0 && offset >= range.from && offset < range.to) return { at, offset };
    }
    return undefined;
  }

  #startCollecting(offset: number, blob: Buffer): ScanOutcome | undefined {
    const collect: Extract<Phase, { name: 'collect' }> = { name: 'collect', offset, parts: [blob], length: blob.length, needed: 0 };
    this.#phase = collect;
    return this.#collect(collect, undefined);
  }

  #collect(phase: Extract<Phase, { name: 'collect' }>, chunk: Buffer | undefined): ScanOutcome | undefined {
    if (chunk !== undefined) {
      phase.parts.push(chunk);
      phase.length += chunk.length;
    }
    if (phase.length < phase.needed) return undefined;
    const blob = phase.parts.length === 1 ? phase.parts[0]! : Buffer.concat(phase.parts);
    phase.parts = [blob];
    const decoding = decodeBuildInfo(blob);
    const { offset } = phase;
    switch (decoding.kind) {
      case 'incomplete':
        phase.needed = decoding.needed;
        return undefined;
      case 'invalid':
        return { kind: 'invalid', offset, reason: decoding.reason };
      case 'inline':
        return { kind: 'found', offset, format: 'inline', goVersion: decoding.goVersion, modinfo: decoding.modinfo };
      case 'pointer': {
        if (this.#segments.length === 0) return { kind: 'invalid', offset, reason: 'pointer format, but no program headers to translate its addresses' };
        const steps = resolvePointerFormat(Buffer.from(decoding.header), this.#segments);
        const resolve: Extract<Phase, { name: 'resolve' }> = { name: 'resolve', offset, steps, pending: { offset: 0, length: 0 } };
        this.#phase = resolve;
        return this.#step(resolve, undefined);
      }
    }
  }

  /** Answers the pending byte request if the stream has reached it; otherwise keeps waiting. */
  #resolve(phase: Extract<Phase, { name: 'resolve' }>, request: ByteRequest): ScanOutcome | undefined {
    const read = this.#window.read(request.offset, request.length);
    switch (read.kind) {
      case 'ahead':
        return undefined;
      case 'behind':
        return this.#step(phase, undefined);
      case 'bytes':
        return this.#step(phase, read.bytes);
    }
  }

  #step(phase: Extract<Phase, { name: 'resolve' }>, answer: Buffer | undefined): ScanOutcome | undefined {
    const next = phase.steps.next(answer);
    if (!next.done) {
      phase.pending = next.value;
      return this.#resolve(phase, next.value);
    }
    const result = next.value;
    if (result.kind === 'invalid') return { kind: 'invalid', offset: phase.offset, reason: result.reason };
    return { kind: 'found', offset: phase.offset, format: 'pointer', goVersion: result.goVersion, modinfo: result.modinfo };
  }
}

/** Scans a stream, leaving it as soon as the outcome is known. */
export async function scanForBuildInfo(chunks: AsyncIterable<Buffer>, lookbehindBytes?: number): Promise<ScanOutcome> {
  const scanner = new BuildInfoScanner(lookbehindBytes);
  for await (const chunk of chunks) {
    const outcome = scanner.push(chunk);
    if (outcome !== undefined) return outcome;
  }
  return scanner.finish();
}
