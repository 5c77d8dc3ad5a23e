/**
 * Test helper: runs one extractor over one in-memory file, exactly as the walker would offer it
 * (same size/limit semantics, `read` or `stream` at most once), and collects the warnings.
 * For tests only; production code never imports it.
 */
import { PortcullisError } from '../core/index.ts';
import type { ExtractResult, Extractor, ExtractorFile } from './extractor.ts';

export interface ExtractorRun {
  result: ExtractResult;
  warnings: string[];
}

/** Default file-size limit of a run: large enough for every hand-made fixture. */
export const TEST_MAX_FILE_BYTES = 16 * 1024 * 1024;

/**
 * Offers `content` at `path` to `extractor.extract` (it does not consult `fileRequired`: assert
 * that separately). `read()` rejects with a LIMIT error when the content exceeds `maxFileBytes`,
 * like the walker's does; `mode` defaults to a regular 0644 file.
 */
export async function runExtractor(
  extractor: Extractor,
  path: string,
  content: string | Uint8Array,
  maxFileBytes: number = TEST_MAX_FILE_BYTES,
  mode = 0o644,
): Promise<ExtractorRun> {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  let consumed = false;
  const claim = (how: string): void => {
    if (consumed) throw new PortcullisError('INTERNAL', `${extractor.name}: ${how}() called after the file was already consumed`);
    consumed = true;
  };
  const file: ExtractorFile = {
    path,
    size: bytes.length,
    mode,
    async read() {
      claim('read');
      if (bytes.length > maxFileBytes) {
        throw new PortcullisError('LIMIT', `${path}: ${bytes.length} bytes exceeds the ${maxFileBytes}-byte file limit`);
      }
      return bytes;
    },
    async *stream() {
      claim('stream');
      const chunk = 64 * 1024;
      for (let offset = 0; offset < bytes.length; offset += chunk) yield bytes.subarray(offset, offset + chunk);
    },
  };
  const warnings: string[] = [];
  const result = await extractor.extract(file, { warn: (message) => warnings.push(message), maxFileBytes });
  return { result, warnings };
}
