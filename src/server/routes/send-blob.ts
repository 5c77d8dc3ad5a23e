/**
 * Sends a byte range of a blob to the client through two buffers reused chunk after chunk: while
 * one is on its way to the socket, the next chunk is read into the other. Hand-written because the
 * stream a file handle gives allocates a fresh buffer for every chunk, and for layers of hundreds of
 * MB that garbage made V8 mark the whole heap again and again: most of the CPU of a pull went there.
 * A buffer is refilled only once the socket took its bytes (the write's callback), and the socket's
 * own backpressure paces the loop.
 */
import type { ServerResponse } from 'node:http';
import type { BlobReader } from '../../storage/index.ts';

const CHUNK_BYTES = 1024 * 1024;
const BUFFERS = 2;

/** Resolves once the socket has taken `chunk`; rejects when the write fails or the client goes away first. */
function write(response: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const gone = () => reject(new Error('the client closed the connection'));
    response.once('close', gone);
    response.write(chunk, (error) => {
      response.off('close', gone);
      if (error) reject(error);
      else resolve();
    });
  });
}

/**
 * Writes bytes `start`..`end` (inclusive) of `reader` to `response` (status and headers already
 * written) and ends it; an empty range (`end` below `start`, as for an empty blob) only ends it. Never rejects: when the client goes away or the blob cannot be read, the
 * response is destroyed, so the client sees a body shorter than its Content-Length, never a wrong one.
 * Returns the error when the blob could not be read (a client that went away is not one).
 */
export async function sendBlobRange(response: ServerResponse, reader: BlobReader, start: number, end: number): Promise<Error | undefined> {
  const chunkBytes = Math.max(1, Math.min(CHUNK_BYTES, end - start + 1));
  const buffers = Array.from({ length: BUFFERS }, () => Buffer.allocUnsafeSlow(chunkBytes));
  // Each slot's write in flight; a failure is kept, not thrown, so no write's rejection goes unhandled.
  const inFlight: Array<Promise<void>> = [];
  let failure: unknown;
  const settle = (pending: Promise<void>) => pending.catch((error: unknown) => void (failure ??= error));
  try {
    let slot = 0;
    for (let position = start; position <= end && failure === undefined && !response.destroyed; slot = (slot + 1) % BUFFERS) {
      await inFlight[slot];
      if (failure !== undefined) break;
      const buffer = buffers[slot]!;
      const bytesRead = await reader.read(buffer, Math.min(chunkBytes, end - position + 1), position);
      if (bytesRead === 0) throw new Error(`the blob ended at byte ${position}, before the ${end + 1} bytes its size promised`);
      inFlight[slot] = settle(write(response, buffer.subarray(0, bytesRead)));
      position += bytesRead;
    }
    await Promise.all(inFlight);
    if (failure !== undefined || response.destroyed) response.destroy();
    else response.end();
    return undefined;
  } catch (error) {
    response.destroy();
    await Promise.all(inFlight);
    return error instanceof Error ? error : new Error(String(error));
  }
}
