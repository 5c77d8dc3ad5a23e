/**
 * `scanSecrets(target)`: every file of every layer of an image (or of a directory) and the image
 * config, through the rule engine. Files that a later layer deletes or replaces are scanned too:
 * they still ship inside the image. The squashed filesystem, built with the inventory's own layer
 * pieces, tells afterwards which findings the final filesystem still shows.
 */
import { silentLogger, type Logger } from '../core/index.ts';
import type { LayerRef, Warning } from '../inventory/index.ts';
import { createReadBudget, type ReadBudget } from '../image/budget.ts';
import { readDirectoryEntries } from '../image/directory-reader.ts';
import { FileTree } from '../image/file-tree.ts';
import { readLayerEntries } from '../image/layer-reader.ts';
import { resolveLimits } from '../image/limits.ts';
import { readImage } from '../image/open.ts';
import type { OpenedDirectory, OpenedImage, OpenedTarget, ReadImageOptions, WalkEntry } from '../image/types.ts';
import type { ProgressEvent } from '../scan/inventory.ts';
import { LayerChanges, type FileData } from '../scan/squash.ts';
import { EMPTY_ALLOW_LIST, type AllowList } from './allow.ts';
import { configTexts } from './config.ts';
import { hasBinaryExtension, readText } from './content.ts';
import { compileRules, scanText, type CompiledRules, type TextMatch } from './engine.ts';
import { CONFIG_ENV_PATH, selectRules } from './rules/index.ts';
import type { FindingSource, ScanStats, SecretFinding, SecretRule, SecretScanResult } from './types.ts';

export const DEFAULT_MAX_SECRET_FILE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_FILE_TIME_BUDGET_MS = 2000;

export interface SecretScanOptions extends ReadImageOptions {
  /** Also run the personal-data rules (e-mail, cards, IBAN, SSN, phone). */
  pii?: boolean;
  /** Rules to run instead of the built-in ones (`pii` is then ignored). */
  rules?: readonly SecretRule[];
  allowList?: AllowList;
  /** Files larger than this are skipped (counted in stats). Default 10 MiB. */
  maxFileBytes?: number;
  /** Time one file may take before its scan stops with a warning. Default 2 s. */
  fileTimeBudgetMs?: number;
  logger?: Logger;
  onProgress?: (event: ProgressEvent) => void;
}

/** Opens `target` (any transport `readImage` accepts), scans it and closes it. */
export async function scanSecrets(target: string, options: SecretScanOptions = {}): Promise<SecretScanResult> {
  const opened = await readImage(target, options);
  try {
    return await scanSecretsOf(opened, options);
  } finally {
    await opened.close();
  }
}

interface ScanState {
  compiled: CompiledRules;
  allow: AllowList;
  maxFileBytes: number;
  timeBudgetMs: number;
  budget: ReadBudget;
  logger: Logger;
  findings: SecretFinding[];
  warnings: Warning[];
  stats: ScanStats;
}

/** Scans a target that is already open (the caller closes it). */
export async function scanSecretsOf(opened: OpenedTarget, options: SecretScanOptions = {}): Promise<SecretScanResult> {
  const state: ScanState = {
    compiled: compileRules(options.rules ?? selectRules({ pii: options.pii === true })),
    allow: options.allowList ?? EMPTY_ALLOW_LIST,
    maxFileBytes: options.maxFileBytes ?? DEFAULT_MAX_SECRET_FILE_BYTES,
    timeBudgetMs: options.fileTimeBudgetMs ?? DEFAULT_FILE_TIME_BUDGET_MS,
    budget: createReadBudget(resolveLimits(options.limits)),
    logger: options.logger ?? silentLogger,
    findings: [],
    warnings: [],
    stats: { filesScanned: 0, filesBinary: 0, filesTooLarge: 0, suppressed: 0 },
  };
  switch (opened.kind) {
    case 'image':
      return scanImage(opened, state, options.onProgress);
    case 'directory':
      return scanDirectory(opened, state);
  }
}

function warn(state: ScanState, message: string, location: string): void {
  state.logger.warn(`${location}: ${message}`);
  state.warnings.push({ location, message });
}

function matchesOf(state: ScanState, text: string, path: string | undefined, location: string): TextMatch[] {
  return scanText(text, path, state.compiled, {
    allow: state.allow,
    timeBudgetMs: state.timeBudgetMs,
    warn: (message) => warn(state, message, location),
    onSuppressed: () => {
      state.stats.suppressed += 1;
    },
  });
}

function finding(match: TextMatch, source: FindingSource): SecretFinding {
  const { rule } = match;
  return { ruleId: rule.id, category: rule.category, title: rule.title, severity: rule.severity, source, line: match.line, column: match.column, redacted: match.redacted };
}

/** Scans one regular file of a layer or directory; `layer` is absent for directories. */
async function scanFile(entry: WalkEntry, layer: LayerRef | undefined, state: ScanState): Promise<void> {
  if (hasBinaryExtension(entry.path)) {
    state.stats.filesBinary += 1;
    return;
  }
  const content = await readText(entry, state.maxFileBytes);
  switch (content.kind) {
    case 'binary':
      state.stats.filesBinary += 1;
      return;
    case 'too-large':
      state.stats.filesTooLarge += 1;
      state.logger.debug(`${entry.path}: skipped, over ${state.maxFileBytes} bytes`);
      return;
    case 'text':
      break;
  }
  state.stats.filesScanned += 1;
  for (const match of matchesOf(state, content.text, entry.path, entry.path)) {
    state.logger.debug(`${entry.path}:${match.line}: ${match.rule.id} ${match.redacted}`);
    state.findings.push(finding(match, layer === undefined ? { kind: 'file', path: entry.path } : { kind: 'file', path: entry.path, layer }));
  }
}

async function scanImage(image: OpenedImage, state: ScanState, onProgress: SecretScanOptions['onProgress']): Promise<SecretScanResult> {
  const layers: LayerRef[] = image.layers.map((layer) => ({
    index: layer.index,
    digest: layer.digest,
    ...(layer.diffId !== undefined && { diffId: layer.diffId }),
    ...(layer.createdBy !== undefined && { createdBy: layer.createdBy }),
  }));
  onProgress?.({ kind: 'start', layers: layers.length, totalBytes: image.layers.reduce((sum, layer) => sum + layer.size, 0) });
  const tree = new FileTree<FileData>();
  for (const layer of image.layers) {
    const ref = layers[layer.index]!;
    state.logger.debug(`layer ${layer.index}: ${layer.digest} (${layer.size} bytes)`);
    const blob = await layer.open();
    const changes = new LayerChanges(layer.index);
    try {
      const entries = readLayerEntries(blob, {
        budget: state.budget,
        layerName: `layer ${layer.index} (${layer.digest})`,
        ...(layer.diffId !== undefined && { diffId: layer.diffId }),
        onWarning: (message, path) => warn(state, message, path ?? `layer ${layer.index}`),
      });
      for await (const entry of entries) {
        if (entry.type === 'file') await scanFile(entry, ref, state);
        changes.add(entry, []);
      }
    } finally {
      blob.destroy();
    }
    changes.applyTo(tree);
    onProgress?.({ kind: 'advance', bytes: layer.size });
  }
  onProgress?.({ kind: 'done' });
  markSurvivors(state.findings, tree);
  const found = new Map<string, string>();
  for (const { source, text } of configTexts(image.config)) {
    const location = `image config ${source.field} ${source.key}`;
    for (const match of matchesOf(state, text, CONFIG_ENV_PATH, location)) {
      state.findings.push(finding(match, source));
      found.set(text.slice(match.offset, match.end), match.redacted);
    }
  }
  scrubCreatedBy(layers, found);
  return result(image.reference, 'image', state, layers);
}

/**
 * Redacts every secret found in the config from the layers' created_by (build arguments show up
 * there too), in place: file findings share these LayerRef objects.
 */
function scrubCreatedBy(layers: LayerRef[], secrets: ReadonlyMap<string, string>): void {
  for (const layer of layers) {
    for (const [secret, redacted] of secrets) layer.createdBy = layer.createdBy?.replaceAll(secret, redacted);
    if (layer.createdBy === undefined) delete layer.createdBy;
  }
}

/** A file finding survives when the final filesystem's file at its path is the copy its layer wrote. */
function markSurvivors(findings: SecretFinding[], tree: FileTree<FileData>): void {
  for (const { source } of findings) {
    if (source.kind !== 'file' || source.layer === undefined) continue;
    const node = tree.get(source.path, false);
    source.survives = node?.kind === 'file' && node.layer === source.layer.index;
  }
}

async function scanDirectory(directory: OpenedDirectory, state: ScanState): Promise<SecretScanResult> {
  const entries = readDirectoryEntries(directory.root, {
    budget: state.budget,
    onWarning: (message, path) => warn(state, message, path ?? directory.root),
  });
  for await (const entry of entries) if (entry.type === 'file') await scanFile(entry, undefined, state);
  return result(directory.reference, 'directory', state);
}

function sourceKey(source: FindingSource): string {
  return source.kind === 'file'
    ? `0\u0000${String(source.layer?.index ?? 0).padStart(6, '0')}\u0000${source.path}`
    : `1\u0000${source.field}\u0000${source.key.padStart(6, '0')}`;
}

function result(reference: string, kind: 'image' | 'directory', state: ScanState, layers?: LayerRef[]): SecretScanResult {
  const findings = state.findings
    .map((item) => ({ item, key: sourceKey(item.source) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.item.line - b.item.line || a.item.column - b.item.column))
    .map(({ item }) => item);
  return {
    schemaVersion: 1,
    target: { reference, kind },
    ...(layers !== undefined && { layers }),
    findings,
    stats: state.stats,
    warnings: state.warnings,
  };
}
