/**
 * Content-addressed blobs of a local image store (an OCI layout directory or an archive), and the
 * checks every blob passes on its way out: declared size, size limit, digest. Layer blobs are
 * verified while they stream; small documents (manifests, configs) are read whole and verified.
 */
import { type Readable, Transform, type TransformCallback, pipeline } from 'node:stream';
import { DigestVerifier, PortcullisError, inputError } from '../../core/index.ts';

/** One stored blob: its size and a way to read its raw, not yet verified, bytes. */
export interface StoredBlob {
  size: number;
  createReadStream(): Readable;
}

export interface BlobSource {
  /** The blob with this (validated) digest; NOT_FOUND when absent, INPUT when it is not a plain file. */
  locate(digest: string): Promise<StoredBlob>;
}

/** What a blob is expected to be: its digest and, when a descriptor gave one, its size. */
export interface ExpectedBlob {
  digest: string;
  size?: number;
}

/**
 * Passes bytes through while hashing and counting them. Fails as soon as more bytes than declared
 * arrive (so a lying size cannot make a reader run forever), and at the end on a short blob (INPUT)
 * or a digest mismatch (DIGEST_MISMATCH).
 */
export function verifyingStream(expected: ExpectedBlob, what: string): Transform {
  const verifier = new DigestVerifier(expected.digest);
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      if (expected.size !== undefined && seen > expected.size) {
        callback(inputError(`${what}: blob is larger than its declared size of ${expected.size} bytes`));
        return;
      }
      verifier.update(chunk);
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (expected.size !== undefined && seen !== expected.size) {
        callback(inputError(`${what}: blob is ${seen} bytes, its descriptor says ${expected.size}`));
        return;
      }
      try {
        verifier.verify(what);
        callback();
      } catch (error) {
        callback(error as Error);
      }
    },
  });
}

/** A blob's bytes as a stream that verifies size and digest as it flows. */
export function verifiedStream(blob: StoredBlob, expected: ExpectedBlob, what: string): Readable {
  const verifier = verifyingStream(expected, what);
  // pipeline() carries a read error of the source into the verifier, which its consumer sees.
  return pipeline(blob.createReadStream(), verifier, () => {});
}

export async function openVerifiedBlob(source: BlobSource, expected: ExpectedBlob, what: string): Promise<Readable> {
  return verifiedStream(await source.locate(expected.digest), expected, what);
}

/** Checks bytes already in memory (a config read from an archive) against their digest. */
export function verifyBuffer(bytes: Uint8Array, digest: string, what: string): void {
  const verifier = new DigestVerifier(digest);
  verifier.update(bytes);
  verifier.verify(what);
}

/** Reads a small blob (manifest, config) whole, after checking its size against `maxBytes`. */
export async function readVerifiedBlob(source: BlobSource, expected: ExpectedBlob, what: string, maxBytes: number): Promise<Buffer> {
  const blob = await source.locate(expected.digest);
  if (blob.size > maxBytes) throw new PortcullisError('LIMIT', `${what} is ${blob.size} bytes, over the limit of ${maxBytes} bytes`);
  if (expected.size !== undefined && blob.size !== expected.size) {
    throw inputError(`${what}: blob is ${blob.size} bytes, its descriptor says ${expected.size}`);
  }
  const chunks: Buffer[] = [];
  for await (const chunk of verifiedStream(blob, expected, what)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
