/**
 * Offers one file to the extractors that want it. The cheap `fileRequired` test runs for every file
 * of every layer, so it is the only work done for files no extractor wants.
 */
import { PortcullisError } from '../core/index.ts';
import type { ExtractContext, Extractor, ExtractorFile, ExtractResult, FileInfo } from '../extract/extractor.ts';
import type { WalkEntry } from '../image/index.ts';

export interface ExtractorOutput {
  extractor: string;
  result: ExtractResult;
}

export interface DispatchContext {
  extractors: readonly Extractor[];
  maxFileBytes: number;
  /** Called for every recoverable problem, with the file's path. */
  warn(message: string, path: string): void;
}

async function readAll(chunks: AsyncIterable<Buffer>, path: string, size: number, limit: number): Promise<Buffer> {
  if (size > limit) throw new PortcullisError('LIMIT', `${path}: ${size} bytes is over the ${limit}-byte limit for files read whole`);
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    total += chunk.length;
    if (total > limit) throw new PortcullisError('LIMIT', `${path}: over the ${limit}-byte limit for files read whole`);
    parts.push(chunk);
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}

/** A file whose bytes come straight from the walker (one extractor wants it). */
function liveFile(info: FileInfo, content: () => AsyncIterable<Buffer>, limit: number): ExtractorFile {
  return { ...info, read: () => readAll(content(), info.path, info.size, limit), stream: content };
}

/** A file already read into memory (several extractors want it). */
function bufferedFile(info: FileInfo, bytes: Buffer): ExtractorFile {
  return {
    ...info,
    read: async () => bytes,
    stream: async function* () {
      yield bytes;
    },
  };
}

export async function dispatchFile(entry: WalkEntry, context: DispatchContext): Promise<ExtractorOutput[]> {
  const info: FileInfo = { path: entry.path, size: entry.size, mode: entry.mode };
  const wanted = context.extractors.filter((extractor) => extractor.fileRequired(info));
  if (wanted.length === 0 || !entry.content) return [];

  let shared: Buffer | undefined;
  if (wanted.length > 1) {
    try {
      shared = await readAll(entry.content(), entry.path, entry.size, context.maxFileBytes);
    } catch (error) {
      if (error instanceof PortcullisError && error.code === 'LIMIT') {
        context.warn(`skipped: ${error.message}`, entry.path);
        return [];
      }
      throw error;
    }
  }

  const outputs: ExtractorOutput[] = [];
  for (const extractor of wanted) {
    const file = shared ? bufferedFile(info, shared) : liveFile(info, entry.content, context.maxFileBytes);
    const extractContext: ExtractContext = {
      maxFileBytes: context.maxFileBytes,
      warn: (message) => context.warn(`${extractor.name}: ${message}`, entry.path),
    };
    try {
      outputs.push({ extractor: extractor.name, result: await extractor.extract(file, extractContext) });
    } catch (error) {
      // A walker error (corrupt layer, digest mismatch, limit of the whole image) ends the scan;
      // anything else one extractor throws costs only that file.
      if (error instanceof PortcullisError && error.code !== 'LIMIT' && error.code !== 'INPUT' && error.code !== 'UNSUPPORTED') throw error;
      const message = error instanceof Error ? error.message : String(error);
      context.warn(`${extractor.name}: ${message}`, entry.path);
    }
  }
  return outputs;
}
