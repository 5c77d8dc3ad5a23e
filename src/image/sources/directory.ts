/**
 * An unpacked root filesystem (`dir:DIR`, or any directory that is not an OCI layout). Opening it
 * only resolves and checks the root; directory-reader.ts walks it.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PortcullisError, inputError } from '../../core/index.ts';
import type { OpenedDirectory } from '../types.ts';

export async function openDirectory(reference: string, dir: string): Promise<OpenedDirectory> {
  let root: string;
  try {
    root = await realpath(resolve(dir));
  } catch (error) {
    throw new PortcullisError('NOT_FOUND', `directory ${dir} does not exist`, { cause: error });
  }
  if (!(await stat(root)).isDirectory()) throw inputError(`${dir} is not a directory`);
  return { kind: 'directory', reference, root, close: async () => {} };
}
