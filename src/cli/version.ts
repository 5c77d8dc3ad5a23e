import { readFileSync } from 'node:fs';

/** Portcullis' own version, from its package.json (works from src/ and from dist/). */
export const PORTCULLIS_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
