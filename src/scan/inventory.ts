/**
 * `inventory(target)`: what is inside an image or directory. Streams every layer once, offers each
 * file to the extractors that want it, squashes the layers and assembles the typed inventory.
 */
import type { Readable } from 'node:stream';
import { silentLogger, type Logger } from '../core/index.ts';
import type { Extractor } from '../extract/extractor.ts';
import { defaultExtractors } from '../extract/list.ts';
import type { ImageSummary, Inventory, LayerRef, Warning } from '../inventory/index.ts';
import {
  FileTree,
  createReadBudget,
  readDirectoryEntries,
  readImage,
  readLayerEntries,
  resolveLimits,
  type OpenedDirectory,
  type OpenedImage,
  type OpenedTarget,
  type ReadBudget,
  type ReadImageOptions,
  type WalkEntry,
} from '../image/index.ts';
import { assembleInventory } from './assemble.ts';
import { dispatchFile, type DispatchContext } from './extractor-dispatch.ts';
import { LayerChanges, type FileData } from './squash.ts';

export type ProgressEvent =
  | { kind: 'start'; totalBytes: number; layers: number }
  | { kind: 'advance'; bytes: number }
  | { kind: 'done' };

export interface InventoryOptions extends ReadImageOptions {
  /** Extractors to run; default: every extractor Portcullis has. */
  extractors?: readonly Extractor[];
  logger?: Logger;
  onProgress?: (event: ProgressEvent) => void;
}

/** Opens `target` (any transport `readImage` accepts), inventories it and closes it. */
export async function inventory(target: string, options: InventoryOptions = {}): Promise<Inventory> {
  const opened = await readImage(target, options);
  try {
    return await inventoryOf(opened, options);
  } finally {
    await opened.close();
  }
}

/** Inventories a target that is already open (the caller closes it). */
export async function inventoryOf(opened: OpenedTarget, options: InventoryOptions = {}): Promise<Inventory> {
  const limits = resolveLimits(options.limits);
  const logger = options.logger ?? silentLogger;
  const warnings: Warning[] = [];
  const context: DispatchContext = {
    extractors: options.extractors ?? defaultExtractors(),
    maxFileBytes: limits.maxFileBytes,
    warn: (message, location) => {
      logger.warn(`${location}: ${message}`);
      warnings.push({ location, message });
    },
  };
  const budget = createReadBudget(limits);
  const tree = new FileTree<FileData>();
  switch (opened.kind) {
    case 'image':
      return inventoryOfImage(opened, { tree, context, budget, warnings, logger, onProgress: options.onProgress });
    case 'directory':
      return inventoryOfDirectory(opened, { tree, context, budget, warnings, logger, onProgress: options.onProgress });
  }
}

interface WalkState {
  tree: FileTree<FileData>;
  context: DispatchContext;
  budget: ReadBudget;
  warnings: Warning[];
  logger: Logger;
  onProgress: ((event: ProgressEvent) => void) | undefined;
}

async function applyEntries(entries: AsyncIterable<WalkEntry>, layer: number, state: WalkState): Promise<void> {
  const changes = new LayerChanges(layer);
  for await (const entry of entries) {
    const outputs = entry.type === 'file' ? await dispatchFile(entry, state.context) : [];
    changes.add(entry, outputs, state.tree);
  }
  changes.applyTo(state.tree);
}

/** The blob's bytes, reported to the progress callback as they pass. */
async function* counted(blob: Readable, onProgress: WalkState['onProgress']): AsyncIterable<Buffer> {
  for await (const chunk of blob as AsyncIterable<Buffer>) {
    onProgress?.({ kind: 'advance', bytes: chunk.length });
    yield chunk;
  }
}

async function inventoryOfImage(image: OpenedImage, state: WalkState): Promise<Inventory> {
  const layers: LayerRef[] = image.layers.map((layer) => {
    const ref: LayerRef = { index: layer.index, digest: layer.digest };
    if (layer.diffId) ref.diffId = layer.diffId;
    if (layer.createdBy) ref.createdBy = layer.createdBy;
    return ref;
  });
  state.onProgress?.({ kind: 'start', layers: layers.length, totalBytes: image.layers.reduce((sum, layer) => sum + layer.size, 0) });
  for (const layer of image.layers) {
    state.logger.debug(`layer ${layer.index}: ${layer.digest} (${layer.size} bytes, ${layer.mediaType})`);
    const blob = await layer.open();
    const onWarning = (message: string, path?: string) => state.context.warn(message, path ?? `layer ${layer.index}`);
    const entries = readLayerEntries(counted(blob, state.onProgress), {
      budget: state.budget,
      layerName: `layer ${layer.index} (${layer.digest})`,
      ...(layer.diffId ? { diffId: layer.diffId } : {}),
      onWarning,
    });
    try {
      await applyEntries(entries, layer.index, state);
    } finally {
      blob.destroy();
    }
  }
  state.onProgress?.({ kind: 'done' });
  const summary: ImageSummary = {
    configDigest: image.configDigest,
    mediaType: image.manifestMediaType,
    platform: image.platform,
    repoTags: image.repoTags,
    layers,
    labels: image.config.config?.Labels ?? {},
  };
  if (image.manifestDigest) summary.manifestDigest = image.manifestDigest;
  if (image.config.created) summary.created = image.config.created;
  return assembleInventory({ reference: image.reference, kind: 'image', tree: state.tree, image: summary, layers, warnings: state.warnings });
}

async function inventoryOfDirectory(directory: OpenedDirectory, state: WalkState): Promise<Inventory> {
  const entries = readDirectoryEntries(directory.root, {
    budget: state.budget,
    onWarning: (message, path) => state.context.warn(message, path ?? directory.root),
  });
  await applyEntries(entries, 0, state);
  return assembleInventory({ reference: directory.reference, kind: 'directory', tree: state.tree, layers: [], warnings: state.warnings });
}
