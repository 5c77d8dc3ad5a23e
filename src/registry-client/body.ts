/**
 * Reading response bodies from an untrusted server: bounded in size when buffered, verified
 * against the expected digest and size while streamed, and never allowed to stall forever.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { DigestVerifier, PortcullisError } from '../core/index.ts';
import { networkError } from './errors.ts';

/**
 * The body's chunks; a pause longer than `idleMs` between two chunks, or a broken connection,
 * fails with NETWORK. Stopping early (return/break) cancels the body and with it the connection.
 */
export async function* bodyChunks(response: Response, idleMs: number, action: string): AsyncGenerator<Buffer> {
  if (response.body === null) return;
  const stream = Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>);
  const iterator = stream[Symbol.asyncIterator]();
  let completed = false;
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const stalled = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new PortcullisError('NETWORK', `${action}: no data for ${idleMs} ms`)), idleMs);
      });
      let step: IteratorResult<Buffer>;
      try {
        step = await Promise.race([iterator.next() as Promise<IteratorResult<Buffer>>, stalled]);
      } catch (error) {
        throw networkError(error, action);
      } finally {
        clearTimeout(timer);
      }
      if (step.done === true) {
        completed = true;
        return;
      }
      yield step.value;
    }
  } finally {
    // Destroying (not iterator.return(), which would queue behind a stalled read) closes the connection.
    if (!completed) stream.destroy();
  }
}

/** The whole body, refused with LIMIT as soon as it is known to exceed `maxBytes`. */
export async function readLimited(response: Response, maxBytes: number, idleMs: number, action: string): Promise<Buffer> {
  const declared = response.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new PortcullisError('LIMIT', `${action}: ${declared} bytes is more than the limit of ${maxBytes}`);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of bodyChunks(response, idleMs, action)) {
    total += chunk.length;
    if (total > maxBytes) throw new PortcullisError('LIMIT', `${action}: more than the limit of ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Passes chunks through while hashing and counting them: more bytes than `size` fail at once with
 * INPUT, fewer fail with INPUT at the end, and a wrong digest fails with DIGEST_MISMATCH at the end.
 */
export async function* verifiedChunks(source: AsyncIterable<Buffer>, digest: string, size: number, what: string): AsyncGenerator<Buffer> {
  const verifier = new DigestVerifier(digest);
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > size) throw new PortcullisError('INPUT', `${what}: larger than its declared size of ${size} bytes`);
    verifier.update(chunk);
    yield chunk;
  }
  if (total !== size) throw new PortcullisError('INPUT', `${what}: ${total} bytes, but its declared size is ${size}`);
  verifier.verify(what);
}

/** A byte stream (not object mode) over async chunks; destroying it stops the source. */
export function toReadable(chunks: AsyncIterable<Buffer>): Readable {
  return Readable.from(chunks, { objectMode: false });
}
