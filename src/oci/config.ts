/**
 * Image configuration (OCI image config v1 / Docker container image v1), validated from untrusted
 * bytes. The fields Portcullis reads are checked one by one; every other field is kept as it came.
 */
import { decodeJsonObject } from './json.ts';
import type { ParseOptions } from './manifest.ts';
import {
  Issues,
  type JsonObject,
  checkDigest,
  describeValue,
  join,
  readArray,
  readBoolean,
  readObject,
  readString,
  readStringArray,
  readStringMap,
} from './validate.ts';

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  empty_layer?: boolean;
  comment?: string;
  author?: string;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  variant?: string;
  created?: string;
  config?: {
    User?: string;
    Env?: string[];
    Entrypoint?: string[] | null;
    Cmd?: string[] | null;
    Labels?: Record<string, string> | null;
    ExposedPorts?: Record<string, unknown> | null;
    WorkingDir?: string;
  };
  rootfs: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
}

export function parseImageConfig(bytes: Uint8Array, options: ParseOptions = {}): ImageConfig {
  const what = 'image config';
  const object = decodeJsonObject(bytes, what, options.maxBytes);
  const issues = new Issues();

  readString(object, 'architecture', '', issues, true);
  readString(object, 'os', '', issues, true);
  readString(object, 'variant', '', issues, false);
  readString(object, 'created', '', issues, false);
  checkRuntimeConfig(object, issues);
  checkRootfs(object, issues);
  checkHistory(object, issues);
  issues.throwIfAny(what);

  // Docker writes `"config": null` for images built without one; absent and null mean the same.
  const { config, ...rest } = object;
  return (config === null ? rest : object) as unknown as ImageConfig;
}

function checkRuntimeConfig(object: JsonObject, issues: Issues): void {
  if (object.config === undefined || object.config === null) return;
  const config = readObject(object.config, 'config', issues);
  if (config === undefined) return;
  readString(config, 'User', 'config', issues, false);
  readStringArray(config, 'Env', 'config', issues, true);
  readStringArray(config, 'Entrypoint', 'config', issues, true);
  readStringArray(config, 'Cmd', 'config', issues, true);
  readStringMap(config, 'Labels', 'config', issues, true);
  readString(config, 'WorkingDir', 'config', issues, false);
  const ports = config.ExposedPorts;
  if (ports !== undefined && ports !== null) readObject(ports, 'config.ExposedPorts', issues);
}

function checkRootfs(object: JsonObject, issues: Issues): void {
  const rootfs = readObject(object.rootfs, 'rootfs', issues);
  if (rootfs === undefined) return;
  const type = readString(rootfs, 'type', 'rootfs', issues, true);
  if (type !== undefined && type !== 'layers') issues.add('rootfs.type', `must be "layers", got ${describeValue(type)}`);
  const diffIds = readArray(rootfs, 'diff_ids', 'rootfs', issues, true) ?? [];
  diffIds.forEach((value, index) => checkDigest(value, join('rootfs.diff_ids', index), issues));
}

function checkHistory(object: JsonObject, issues: Issues): void {
  const history = readArray(object, 'history', '', issues, false);
  history?.forEach((value, index) => {
    const path = join('history', index);
    const entry = readObject(value, path, issues);
    if (entry === undefined) return;
    readString(entry, 'created', path, issues, false);
    readString(entry, 'created_by', path, issues, false);
    readString(entry, 'comment', path, issues, false);
    readString(entry, 'author', path, issues, false);
    readBoolean(entry, 'empty_layer', path, issues);
  });
}
