/**
 * Walks an unpacked root filesystem into the same entries a layer yields. Uses lstat only and never
 * follows a symlink (a symlink is an entry of its own), so a hostile tree cannot lead the walk out
 * of the root or into a loop. Order is deterministic: depth-first, names sorted by their bytes.
 * Names are handled as bytes, so files whose names are not UTF-8 are still read.
 */
import { constants, type Stats } from 'node:fs';
import { lstat, open, readdir, readlink, stat } from 'node:fs/promises';
import { PortcullisError } from '../core/index.ts';
import type { ReadBudget } from './budget.ts';
import type { WalkEntry } from './types.ts';

export interface DirectoryReadOptions {
  budget: ReadBudget;
  onWarning?: (message: string, path?: string) => void;
}

/** Directories opened but not finished, innermost last. */
interface Frame {
  /** Path relative to the root, '' for the root. */
  path: string;
  fsPath: Buffer;
  names: Buffer[];
  next: number;
}

const READ_CHUNK_BYTES = 64 * 1024;
/** O_NONBLOCK: a file swapped for a FIFO after lstat must not hang the walk on open. */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export async function* readDirectoryEntries(root: string, options: DirectoryReadOptions): AsyncGenerator<WalkEntry> {
  const warn = (message: string, path?: string): void => options.onWarning?.(message, path);
  // The root is the user's own choice, so it alone may be reached through a symlink.
  const rootStats = await stat(root).catch((error: unknown) => {
    throw new PortcullisError('NOT_FOUND', `cannot open directory ${root}: ${reason(error)}`, { cause: error });
  });
  if (!rootStats.isDirectory()) throw new PortcullisError('INPUT', `${root} is not a directory`);

  const rootFrame = await openFrame('', Buffer.from(root), warn);
  const stack: Frame[] = rootFrame === undefined ? [] : [rootFrame];
  for (let frame = stack.at(-1); frame !== undefined; frame = stack.at(-1)) {
    const name = frame.names[frame.next];
    if (name === undefined) {
      stack.pop();
      continue;
    }
    frame.next += 1;
    const path = frame.path === '' ? decodeName(name, frame.path, warn) : `${frame.path}/${decodeName(name, frame.path, warn)}`;
    const fsPath = Buffer.concat([frame.fsPath, Buffer.from('/'), name]);
    let stats: Stats;
    try {
      stats = await lstat(fsPath);
    } catch (error) {
      warn(`cannot stat ${path}: ${reason(error)}`, path);
      continue;
    }
    options.budget.addEntry();
    const entry = await toWalkEntry(path, fsPath, stats, options.budget, warn);
    if (entry === undefined) continue;
    yield entry;
    if (entry.type === 'directory') {
      const child = await openFrame(path, fsPath, warn);
      if (child !== undefined) stack.push(child);
    }
  }
}

async function openFrame(path: string, fsPath: Buffer, warn: (message: string, path?: string) => void): Promise<Frame | undefined> {
  try {
    const names = await readdir(fsPath, { encoding: 'buffer' });
    return { path, fsPath, names: names.sort(Buffer.compare), next: 0 };
  } catch (error) {
    warn(`cannot list directory ${path === '' ? '/' : path}: ${reason(error)}`, path);
    return undefined;
  }
}

async function toWalkEntry(
  path: string,
  fsPath: Buffer,
  stats: Stats,
  budget: ReadBudget,
  warn: (message: string, path?: string) => void,
): Promise<WalkEntry | undefined> {
  const mode = stats.mode & 0o7777;
  if (stats.isDirectory()) return { path, type: 'directory', size: 0, mode };
  if (stats.isFile()) {
    return { path, type: 'file', size: stats.size, mode, content: () => readFile(path, fsPath, stats.size, budget, warn) };
  }
  if (stats.isSymbolicLink()) {
    try {
      const target = await readlink(fsPath, { encoding: 'buffer' });
      return { path, type: 'symlink', size: 0, mode, linkname: target.toString('utf8') };
    } catch (error) {
      warn(`cannot read symlink ${path}: ${reason(error)}`, path);
      return undefined;
    }
  }
  return { path, type: 'other', size: 0, mode };
}

/**
 * Streams at most the size lstat reported, so the entry's size stays true. An unreadable file
 * yields a warning and no content: the walk goes on.
 */
async function* readFile(
  path: string,
  fsPath: Buffer,
  size: number,
  budget: ReadBudget,
  warn: (message: string, path?: string) => void,
): AsyncGenerator<Buffer> {
  let handle;
  try {
    handle = await open(fsPath, OPEN_FLAGS);
  } catch (error) {
    warn(`cannot read ${path}: ${reason(error)}`, path);
    return;
  }
  try {
    let position = 0;
    while (position < size) {
      const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, size - position));
      let bytesRead: number;
      try {
        ({ bytesRead } = await handle.read(buffer, 0, buffer.length, position));
      } catch (error) {
        warn(`cannot read ${path}: ${reason(error)}`, path);
        return;
      }
      if (bytesRead === 0) {
        warn(`${path} shrank while being read (${position} of ${size} bytes)`, path);
        return;
      }
      budget.addBytes(bytesRead);
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

function decodeName(name: Buffer, parent: string, warn: (message: string, path?: string) => void): string {
  try {
    return strictUtf8.decode(name);
  } catch {
    const lossy = name.toString('utf8');
    warn(`file name is not valid UTF-8: ${JSON.stringify(lossy)}`, parent === '' ? lossy : `${parent}/${lossy}`);
    return lossy;
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
