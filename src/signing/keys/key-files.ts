/**
 * Key files on disk, as cosign lays them out: `P.key` (cosign's encrypted format, mode 0600) and
 * `P.pub` (SPKI PEM). Reading is bounded in size; writing never overwrites unless asked, and a
 * failed write leaves no half-written key behind.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { open, readFile, rm, stat } from 'node:fs/promises';
import { PortcullisError } from '../../core/index.ts';
import { encryptCosignKey } from './cosign-key-format.ts';
import { MAX_KEY_FILE_BYTES, publicKeyToPem } from './pem.ts';

export async function readKeyFile(path: string): Promise<string> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw new PortcullisError('NOT_FOUND', `key file ${path} not found`, { cause: error });
  }
  if (size > MAX_KEY_FILE_BYTES) throw new PortcullisError('LIMIT', `${path}: a key file is at most ${MAX_KEY_FILE_BYTES} bytes; this one is ${size}`);
  return readFile(path, 'utf8');
}

async function writeNewFile(path: string, text: string, mode: number, overwrite: boolean): Promise<void> {
  let handle;
  try {
    handle = await open(path, overwrite ? 'w' : 'wx', mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new PortcullisError('USAGE', `${path} already exists: remove it or pass --force`, { cause: error });
    }
    throw error;
  }
  try {
    // The mode given to open() is masked by the umask and ignored for an existing file: set it.
    await handle.chmod(mode);
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

export interface WrittenKeyPair {
  privateKeyPath: string;
  publicKeyPath: string;
}

/** Writes `prefix.key` (encrypted with the passphrase) and `prefix.pub`, as cosign generate-key-pair. */
export async function writeKeyPairFiles(prefix: string, privateKey: KeyObject, passphrase: string, options: { overwrite?: boolean } = {}): Promise<WrittenKeyPair> {
  const written = { privateKeyPath: `${prefix}.key`, publicKeyPath: `${prefix}.pub` };
  const encrypted = await encryptCosignKey(privateKey, passphrase);
  const overwrite = options.overwrite ?? false;
  await writeNewFile(written.privateKeyPath, encrypted, 0o600, overwrite);
  try {
    await writeNewFile(written.publicKeyPath, publicKeyToPem(createPublicKey(privateKey)), 0o644, overwrite);
  } catch (error) {
    await rm(written.privateKeyPath, { force: true });
    throw error;
  }
  return written;
}
