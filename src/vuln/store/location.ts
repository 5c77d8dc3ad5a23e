/**
 * Where the advisory database lives: `--db` when given, then $PORTCULLIS_DB, then the user's cache
 * directory.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDatabasePath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag;
  if (env.PORTCULLIS_DB) return env.PORTCULLIS_DB;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, 'portcullis', 'advisories.db');
}
