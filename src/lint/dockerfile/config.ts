/**
 * The lint configuration file (`--config FILE`, YAML or JSON): settings that belong with a
 * repository rather than on every command line. Validated field by field; an unknown key is an
 * error, because a misspelt security setting must not be silently ignored.
 *
 *   dockerfile:
 *     allowedRegistries: [ghcr.io/acme, docker.io/library]
 */
import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { PortcullisError, inputError } from '../../core/index.ts';
import type { DockerfileLintOptions } from './checks/index.ts';
import { normaliseAllowedRegistry } from '../registries.ts';

const MAX_CONFIG_BYTES = 256 * 1024;

export async function loadDockerfileConfig(path: string): Promise<DockerfileLintOptions> {
  const bytes = await readFile(path).catch((error: unknown) => {
    throw new PortcullisError('NOT_FOUND', `${path}: cannot read the configuration file`, { cause: error });
  });
  if (bytes.byteLength > MAX_CONFIG_BYTES) throw new PortcullisError('LIMIT', `${path}: configuration file is over ${MAX_CONFIG_BYTES} bytes`);
  let document: unknown;
  try {
    document = parseYaml(bytes.toString('utf8'), { maxAliasCount: 0 });
  } catch (error) {
    throw inputError(`${path}: not valid YAML or JSON: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  return parseDockerfileConfig(document, path);
}

export function parseDockerfileConfig(document: unknown, source: string): DockerfileLintOptions {
  const problems: string[] = [];
  const options: DockerfileLintOptions = {};
  if (document === null || document === undefined) return options;
  const top = record(document, '(top level)', problems);
  for (const key of Object.keys(top ?? {})) if (key !== 'dockerfile') problems.push(`unknown key ${key}`);
  const section = top?.['dockerfile'] === undefined ? undefined : record(top['dockerfile'], 'dockerfile', problems);
  for (const key of Object.keys(section ?? {})) if (key !== 'allowedRegistries') problems.push(`unknown key dockerfile.${key}`);
  const allowed = section?.['allowedRegistries'];
  if (allowed !== undefined) {
    if (!Array.isArray(allowed)) problems.push('dockerfile.allowedRegistries must be a list of registries');
    else {
      const entries = allowed.map((entry, index) => allowedEntry(entry, `dockerfile.allowedRegistries[${index}]`, problems));
      options.allowedRegistries = entries.filter((entry): entry is string => entry !== undefined);
    }
  }
  if (problems.length > 0) throw inputError(`${source}: ${problems.join('; ')}`);
  return options;
}

/** `a,b` from --allowed-registries, each entry checked like the configuration file's. */
export function parseAllowedRegistries(list: string): string[] {
  const problems: string[] = [];
  const entries = list.split(',').map((entry, index) => allowedEntry(entry, `--allowed-registries entry ${index + 1}`, problems));
  if (problems.length > 0) throw new PortcullisError('USAGE', problems.join('; '));
  return entries.filter((entry): entry is string => entry !== undefined);
}

function allowedEntry(value: unknown, where: string, problems: string[]): string | undefined {
  const normalised = typeof value === 'string' ? normaliseAllowedRegistry(value) : undefined;
  if (normalised === undefined) problems.push(`${where} must be a registry host with an optional repository prefix (ghcr.io/acme): got ${JSON.stringify(value)}`);
  return normalised;
}

function record(value: unknown, where: string, problems: string[]): Record<string, unknown> | undefined {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push(`${where} must be a mapping`);
  return undefined;
}
