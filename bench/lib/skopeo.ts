/**
 * `skopeo copy` as the registry benchmark runs it, under GNU time (run.ts) so every registry's push
 * and pull are taken the same way: plain HTTP on loopback, no credentials (an empty auth file keeps
 * the user's logins out of the measurement), layers copied as they are (no recompression).
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireTool } from '../../test/helpers/registry.ts';
import { measure, type Measured } from './run.ts';

const NO_AUTH_FILE = join(tmpdir(), 'portcullis-bench-no-auth.json');

/** Copies `source` to `destination` (skopeo transport syntax) with TLS off on the registry side(s). */
export function skopeoCopy(source: string, destination: string): Promise<Measured> {
  requireTool('skopeo', 'skopeo');
  const args = ['copy', '--quiet'];
  if (source.startsWith('docker://')) args.push('--src-tls-verify=false');
  if (destination.startsWith('docker://')) args.push('--dest-tls-verify=false');
  args.push(source, destination);
  return measure('skopeo', args, { env: { ...process.env, REGISTRY_AUTH_FILE: NO_AUTH_FILE } });
}
