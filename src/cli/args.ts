/**
 * Command-line parsing shared by every command: the global options (--quiet, --debug, --output,
 * --format), the image-reading options (--platform, --insecure, --authfile, --creds, limits), and
 * the translation of parse failures into usage errors.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { PortcullisError } from '../core/index.ts';
import { createLogger, type Logger } from '../core/index.ts';
import type { ReadImageOptions, ReadLimits } from '../image/types.ts';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  debug: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  format: { type: 'string', short: 'f' },
} as const satisfies OptionSpec;

export const IMAGE_OPTIONS = {
  platform: { type: 'string' },
  insecure: { type: 'boolean' },
  authfile: { type: 'string' },
  creds: { type: 'string' },
  'max-image-bytes': { type: 'string' },
  'max-entries': { type: 'string' },
  'max-file-bytes': { type: 'string' },
} as const satisfies OptionSpec;

export const IMAGE_OPTIONS_HELP = `Image options:
  --platform OS/ARCH[/VARIANT]  platform to pick from a multi-platform index (default linux/amd64)
  --insecure                    allow plain HTTP and unverified TLS for remote registries
  --authfile FILE               registry credentials file (default: $REGISTRY_AUTH_FILE,
                                then $XDG_RUNTIME_DIR/containers/auth.json, then ~/.docker/config.json)
  --creds USER[:PASSWORD]       registry credentials (password also from $PORTCULLIS_REGISTRY_PASSWORD)
  --max-image-bytes N           limit on uncompressed bytes across all layers (default 16 GiB)
  --max-entries N               limit on tar entries across all layers (default 2,000,000)
  --max-file-bytes N            largest file an extractor reads whole (default 256 MiB)`;

export const GLOBAL_OPTIONS_HELP = `Global options:
  -f, --format FORMAT   output format (see the command)
  -o, --output FILE     write the report to FILE instead of stdout
  -q, --quiet           no progress bar, no warnings on stderr
      --debug           debug logging on stderr
  -h, --help            this help`;

export function usageError(message: string): PortcullisError {
  return new PortcullisError('USAGE', message);
}

export function parseCommandLine<T extends OptionSpec>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError(error instanceof Error ? error.message : String(error));
  }
}

/** The one positional argument a command takes (`noun`: TARGET, IMAGE), or a usage error naming the command. */
export function singlePositional(positionals: readonly string[], command: string, noun: string): string {
  if (positionals.length !== 1 || positionals[0] === undefined) throw usageError(`${command} takes exactly one ${noun} (see portcullis ${command} --help)`);
  return positionals[0];
}

/** A non-negative integer option, with k/M/G suffixes (powers of 1024). */
export function parseSize(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)([kKmMgG]i?[bB]?)?$/.exec(value.trim());
  if (!match) throw usageError(`--${name} takes a whole number (optionally with k, M or G): got ${JSON.stringify(value)}`);
  const unit = (match[2] ?? '').charAt(0).toLowerCase();
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

export function loggerFor(values: { quiet?: boolean | undefined; debug?: boolean | undefined }): Logger {
  return createLogger(values.debug ? 'debug' : values.quiet ? 'error' : 'warn');
}

export function readImageOptions(values: {
  platform?: string | undefined;
  insecure?: boolean | undefined;
  authfile?: string | undefined;
  creds?: string | undefined;
  'max-image-bytes'?: string | undefined;
  'max-entries'?: string | undefined;
  'max-file-bytes'?: string | undefined;
}): ReadImageOptions {
  const limits: Partial<ReadLimits> = {};
  const imageBytes = parseSize('max-image-bytes', values['max-image-bytes']);
  const entries = parseSize('max-entries', values['max-entries']);
  const fileBytes = parseSize('max-file-bytes', values['max-file-bytes']);
  if (imageBytes !== undefined) limits.maxUncompressedBytes = imageBytes;
  if (entries !== undefined) limits.maxEntries = entries;
  if (fileBytes !== undefined) limits.maxFileBytes = fileBytes;
  const options: ReadImageOptions = { limits };
  if (values.platform !== undefined) {
    if (!/^[a-z0-9_-]+\/[a-z0-9_-]+(\/[a-z0-9_-]+)?$/i.test(values.platform)) {
      throw usageError(`--platform takes OS/ARCH[/VARIANT], e.g. linux/arm64: got ${JSON.stringify(values.platform)}`);
    }
    options.platform = values.platform;
  }
  if (values.insecure) options.insecure = true;
  if (values.authfile !== undefined) options.authFile = values.authfile;
  if (values.creds !== undefined) {
    const colon = values.creds.indexOf(':');
    const username = colon === -1 ? values.creds : values.creds.slice(0, colon);
    const password = colon === -1 ? process.env.PORTCULLIS_REGISTRY_PASSWORD : values.creds.slice(colon + 1);
    if (!username || password === undefined) {
      throw usageError('--creds takes USER:PASSWORD, or USER with the password in $PORTCULLIS_REGISTRY_PASSWORD');
    }
    options.credentials = { username, password };
  }
  return options;
}

export function choice<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw usageError(`--${name} must be one of ${allowed.join(', ')}: got ${JSON.stringify(value)}`);
}
