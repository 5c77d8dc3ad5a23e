/**
 * Reading helpers shared by the OS package-database extractors: read a file whole without letting a
 * size limit escape as an exception, bound the warnings one file can produce, decode untrusted
 * bytes as strict UTF-8, and split text into blank-line-separated paragraphs (the shape of dpkg's
 * status and apk's installed database).
 */
import { isPortcullisError } from '../../core/index.ts';
import type { ExtractContext, ExtractorFile } from '../extractor.ts';

/**
 * The whole content of `file`, or undefined (after a warning) when it exceeds `maxBytes` or the
 * walker's file limit: an oversized database is a finding about the image, not a crash.
 */
export async function readWhole(file: ExtractorFile, context: ExtractContext, maxBytes = context.maxFileBytes): Promise<Buffer | undefined> {
  if (file.size > maxBytes) {
    context.warn(`${file.size} bytes is more than the ${maxBytes}-byte limit for this file; not read`);
    return undefined;
  }
  try {
    return await file.read();
  } catch (error) {
    if (!isPortcullisError(error) || error.code !== 'LIMIT') throw error;
    context.warn(`not read: ${error.message}`);
    return undefined;
  }
}

/** Past this many warnings for one file, the rest are counted, not kept. */
export const MAX_WARNINGS_PER_FILE = 50;

export interface LimitedContext extends ExtractContext {
  /** Reports how many warnings were dropped, if any. Call once, when the file is done. */
  finish(): void;
}

/**
 * `context` with at most `max` warnings passed on: a hostile file with millions of bad lines must
 * not turn into millions of warnings held in memory.
 */
export function limitWarnings(context: ExtractContext, max = MAX_WARNINGS_PER_FILE): LimitedContext {
  let count = 0;
  return {
    maxFileBytes: context.maxFileBytes,
    warn(message) {
      count += 1;
      if (count <= max) context.warn(message);
    },
    finish() {
      if (count > max) context.warn(`${count - max} more problem(s) not listed`);
    },
  };
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** `bytes` as text (without a leading byte-order mark), or undefined when they are not valid UTF-8. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A paragraph of a blank-line-separated database, still as bytes, with its first line number. */
export interface RawParagraph {
  /** 1-based line number of the paragraph's first line, for warnings. */
  line: number;
  bytes: Buffer;
}

/**
 * Splits `content` into paragraphs at blank lines (lines that are empty or only spaces/tabs),
 * working on bytes so that bad UTF-8 in one paragraph costs only that paragraph.
 */
export function splitParagraphs(content: Buffer): RawParagraph[] {
  const paragraphs: RawParagraph[] = [];
  let start = -1;
  let startLine = 0;
  let lineNumber = 0;
  let position = 0;
  while (position <= content.length) {
    const newline = content.indexOf(0x0a, position);
    const end = newline === -1 ? content.length : newline;
    lineNumber += 1;
    if (isBlank(content, position, end)) {
      if (start !== -1) paragraphs.push({ line: startLine, bytes: content.subarray(start, position) });
      start = -1;
    } else if (start === -1) {
      start = position;
      startLine = lineNumber;
    }
    if (newline === -1) break;
    position = newline + 1;
  }
  if (start !== -1) paragraphs.push({ line: startLine, bytes: content.subarray(start) });
  return paragraphs;
}

function isBlank(content: Buffer, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) {
    const byte = content[index];
    if (byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) return false;
  }
  return true;
}

/** Shortens untrusted text for a warning message (and makes control characters visible). */
export function quoteForWarning(text: string, max = 80): string {
  const quoted = JSON.stringify(text.slice(0, max + 1));
  return quoted.length > max + 2 ? `${quoted.slice(0, max + 1)}…"` : quoted;
}
