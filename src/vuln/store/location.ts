/**
 * Where the advisory database lives when the command line does not say: $PORTCULLIS_DB, then
 * `--db`, then the user's cache directory.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDatabasePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (env.PORTCULLIS_DB) return env.PORTCULLIS_DB;
  if (flag) return flag;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'portcullis', 'advisories.db');
}
