/**
 * Names the target in errors raised while opening it: the validators and blob readers speak of
 * "image config" or "manifest sha256:...", and the user needs to know which archive or layout.
 */
import { PortcullisError } from '../../core/index.ts';

export async function withLocation<T>(location: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PortcullisError) throw new PortcullisError(error.code, `${location}: ${error.message}`, { cause: error });
    throw error;
  }
}
