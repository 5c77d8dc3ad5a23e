/**
 * `--server URL` of the commands that talk to a `portcullis serve` management API: the URL, and the
 * Authorization header from the environment (a bearer token, or a user or robot account and its
 * password), so credentials never appear on the command line.
 */
import { PortcullisError } from '../../core/index.ts';
import { usageError } from '../args.ts';

export interface ServerOption {
  /** Base URL: `https://portcullis.example:5000`. */
  url: string;
  /** The Authorization header value (`Basic ...` or `Bearer ...`), when credentials are set. */
  authorization?: string;
}

export function serverOf(url: string): ServerOption {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw usageError(`--server takes a URL (https://host:port), got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw usageError(`--server must be an http(s) URL, got ${JSON.stringify(url)}`);
  const token = process.env.PORTCULLIS_SERVER_TOKEN;
  const user = process.env.PORTCULLIS_SERVER_USER;
  if (token !== undefined && token !== '') return { url, authorization: `Bearer ${token}` };
  if (user !== undefined && user !== '') {
    const password = process.env.PORTCULLIS_SERVER_PASSWORD;
    if (password === undefined) throw new PortcullisError('USAGE', 'PORTCULLIS_SERVER_USER is set but PORTCULLIS_SERVER_PASSWORD is not');
    return { url, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
  }
  return { url };
}
