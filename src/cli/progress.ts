/**
 * A progress bar on stderr for long reads. Drawn only on a terminal and never with --quiet, so logs
 * and CI output stay clean.
 */
import type { ProgressEvent } from '../scan/inventory.ts';

const WIDTH = 30;
const REDRAW_MS = 100;

function megabytes(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(1);
}

export function createProgressBar(stream: NodeJS.WriteStream, enabled: boolean): (event: ProgressEvent) => void {
  if (!enabled || !stream.isTTY) return () => {};
  let total = 0;
  let done = 0;
  let lastDraw = 0;
  const draw = () => {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(fraction * WIDTH);
    const bar = `${'='.repeat(filled)}${' '.repeat(WIDTH - filled)}`;
    stream.write(`\r[${bar}] ${String(Math.round(fraction * 100)).padStart(3)}% ${megabytes(done)}/${megabytes(total)} MB`);
  };
  return (event) => {
    switch (event.kind) {
      case 'start':
        total = event.totalBytes;
        draw();
        return;
      case 'advance': {
        done += event.bytes;
        const now = Date.now();
        if (now - lastDraw >= REDRAW_MS) {
          lastDraw = now;
          draw();
        }
        return;
      }
      case 'done':
        stream.write('\r\x1b[K');
        return;
    }
  };
}
