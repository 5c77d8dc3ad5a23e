/**
 * Which files are worth a text scan, decided as cheaply as possible: the extension first (no IO),
 * then the size the walker reports, then a NUL byte in the first 8 KiB of the content.
 */
import type { WalkEntry } from '../image/types.ts';

/** Where a NUL byte marks a binary file (git and grep use the same window). */
const BINARY_SNIFF_BYTES = 8 * 1024;

/** Extensions of compressed, media, compiled and font files: never text, never worth reading. */
const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'webp', 'tif', 'tiff', 'mp3', 'mp4', 'ogg', 'wav', 'avi', 'mov', 'webm',
  'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', 'lz4', 'lzma', '7z', 'rar', 'jar', 'war', 'ear', 'whl', 'egg', 'deb', 'rpm', 'apk',
  'so', 'a', 'o', 'ko', 'dll', 'exe', 'dylib', 'class', 'pyc', 'pyo', 'wasm', 'node', 'bin', 'dat', 'db', 'sqlite',
  'woff', 'woff2', 'ttf', 'otf', 'eot', 'pdf', 'mo', 'gmo', 'cache',
]);

export function hasBinaryExtension(path: string): boolean {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  if (dot <= slash + 1) return false;
  return BINARY_EXTENSIONS.has(path.slice(dot + 1).toLowerCase());
}

export type FileText = { kind: 'text'; text: string } | { kind: 'binary' } | { kind: 'too-large' };

/**
 * The file as text (latin1: one character per byte, so nothing fails to decode and offsets stay
 * byte offsets), or why it was not read. Stops reading at `maxBytes` even when the declared size lied.
 */
export async function readText(entry: WalkEntry, maxBytes: number): Promise<FileText> {
  if (entry.size > maxBytes) return { kind: 'too-large' };
  if (!entry.content) return { kind: 'text', text: '' };
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of entry.content()) {
    if (total < BINARY_SNIFF_BYTES && chunk.subarray(0, BINARY_SNIFF_BYTES - total).includes(0)) return { kind: 'binary' };
    total += chunk.length;
    if (total > maxBytes) return { kind: 'too-large' };
    parts.push(chunk);
  }
  return { kind: 'text', text: (parts.length === 1 ? parts[0]! : Buffer.concat(parts, total)).toString('latin1') };
}
