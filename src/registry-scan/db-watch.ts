/**
 * Notices that the advisory database changed (a `db update` or `db import`, possibly from another
 * process) by polling the modification time and size of the file and its WAL: polling works when
 * the file does not exist yet and across replace-by-rename, where inotify watches do not. A change
 * is reported once the files have been still for one more interval, so a long import triggers one
 * rescan at its end rather than many during it.
 */
import { type Stats, statSync } from 'node:fs';

export interface DbWatcher {
  close(): void;
}

function signature(path: string): string {
  const parts = [path, `${path}-wal`].map((file) => {
    let stats: Stats | undefined;
    try {
      stats = statSync(file);
    } catch {
      stats = undefined;
    }
    return stats === undefined ? '-' : `${stats.mtimeMs}:${stats.size}`;
  });
  return parts.join('|');
}

export function watchAdvisoryDatabase(path: string, intervalMs: number, onChange: () => void): DbWatcher {
  let settled = signature(path);
  let pending: string | undefined;
  const timer = setInterval(() => {
    const current = signature(path);
    if (current === settled) {
      pending = undefined;
      return;
    }
    if (current === pending) {
      settled = current;
      pending = undefined;
      onChange();
      return;
    }
    pending = current;
  }, intervalMs);
  timer.unref();
  return { close: () => clearInterval(timer) };
}
