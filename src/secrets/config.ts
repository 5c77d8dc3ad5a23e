/**
 * The texts of an image config that can carry secrets: ENV entries, labels, and history
 * `created_by` strings (build arguments end up there: `RUN |1 TOKEN=... /bin/sh -c ...`).
 * Each is scanned as one `NAME=value` line per variable, under the path the dotenv rule knows.
 */
import type { ImageConfig } from '../image/types.ts';
import type { FindingSource } from './types.ts';

export interface ConfigText {
  source: Extract<FindingSource, { kind: 'config' }>;
  /** The text as scanned: same length as the original, variables each on their own line. */
  text: string;
}

/**
 * Puts each `NAME=value` word of a command line on its own line, replacing the blank before it (so
 * offsets do not move): build arguments and `ENV A=1 B=2` then read like a dotenv file.
 */
function variablesOnLines(command: string): string {
  return command.replace(/[ \t](?=[A-Za-z_][A-Za-z0-9_]{0,127}=)/g, '\n');
}

export function configTexts(config: ImageConfig): ConfigText[] {
  const texts: ConfigText[] = [];
  for (const entry of config.config?.Env ?? []) {
    const name = entry.slice(0, Math.max(0, entry.indexOf('=')));
    texts.push({ source: { kind: 'config', field: 'env', key: name }, text: entry });
  }
  for (const [name, value] of Object.entries(config.config?.Labels ?? {})) {
    texts.push({ source: { kind: 'config', field: 'label', key: name }, text: `${name}=${value}` });
  }
  (config.history ?? []).forEach((entry, index) => {
    if (entry.created_by) texts.push({ source: { kind: 'config', field: 'history', key: String(index) }, text: variablesOnLines(entry.created_by) });
  });
  return texts;
}
