/**
 * var/lib/dpkg/info/<package>[:<arch>].list: the paths a dpkg package installed, one absolute path a
 * line (directories included). They become FileOwnership so that language packages Debian ships
 * (python3-*, node-*) can be linked to the OS package that owns their files.
 */
import type { ExtractContext, FileOwnership } from '../../extractor.ts';
import { decodeUtf8 } from '../file-text.ts';

const LIST_FILE = /^var\/lib\/dpkg\/info\/([^/]+)\.list$/;

export function isFileList(path: string): boolean {
  return LIST_FILE.test(path);
}

/** The package a .list file belongs to: its base name without `.list` and without `:arch`. */
function packageOfList(path: string): string | undefined {
  const base = LIST_FILE.exec(path)?.[1];
  return base?.split(':')[0] || undefined;
}

export function readFileList(path: string, content: Buffer, context: ExtractContext): FileOwnership | undefined {
  const name = packageOfList(path);
  if (name === undefined) {
    context.warn('no package name in the file name; ignored');
    return undefined;
  }
  const paths: string[] = [];
  let undecodable = 0;
  let start = 0;
  while (start < content.length) {
    const newline = content.indexOf(0x0a, start);
    const end = newline === -1 ? content.length : newline;
    const line = decodeUtf8(content.subarray(start, end));
    start = end + 1;
    if (line === undefined) {
      undecodable += 1;
      continue;
    }
    // "/." stands for the root itself; every other line is "/some/path".
    const relative = line.replace(/^\/+/, '');
    if (relative !== '' && relative !== '.') paths.push(relative);
  }
  if (undecodable > 0) context.warn(`${undecodable} line(s) not valid UTF-8; those paths skipped`);
  return { type: 'deb', name, paths };
}
