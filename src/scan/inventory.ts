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
  type ImageLayer,
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
  const state: WalkState = {
    tree: new FileTree<FileData>(),
    extractors: options.extractors ?? defaultExtractors(),
    maxFileBytes: limits.maxFileBytes,
    budget: createReadBudget(limits),
    logger: options.logger ?? silentLogger,
    onProgress: options.onProgress,
  };
  switch (opened.kind) {
    case 'image':
      return inventoryOfImage(opened, state);
    case 'directory':
      return inventoryOfDirectory(opened, state);
  }
}

/**
 * Layers read at the same time. Decompression runs on libuv's thread pool while the main thread
 * parses tar entries and runs extractors; a second layer in flight keeps both busy on a 2-core machine.
 */
const LAYERS_IN_FLIGHT = 2;

interface WalkState {
  tree: FileTree<FileData>;
  extractors: readonly Extractor[];
  maxFileBytes: number;
  budget: ReadBudget;
  logger: Logger;
  onProgress: ((event: ProgressEvent) => void) | undefined;
}

/** One layer's entries, collected (extractors run) but not yet applied, with its own warnings. */
interface CollectedLayer {
  changes: LayerChanges;
  warnings: Warning[];
}

async function collectEntries(entries: (warn: DispatchContext['warn']) => AsyncIterable<WalkEntry>, layer: number, state: WalkState): Promise<CollectedLayer> {
  const warnings: Warning[] = [];
  const context: DispatchContext = {
    extractors: state.extractors,
    maxFileBytes: state.maxFileBytes,
    warn: (message, location) => {
      state.logger.warn(`${location}: ${message}`);
      warnings.push({ location, message });
    },
  };
  const changes = new LayerChanges(layer);
  for await (const entry of entries(context.warn)) {
    changes.add(entry, entry.type === 'file' ? await dispatchFile(entry, context) : []);
  }
  return { changes, warnings };
}

/** The blob's bytes, reported to the progress callback as they pass. */
async function* counted(blob: Readable, onProgress: WalkState['onProgress']): AsyncIterable<Buffer> {
  for await (const chunk of blob as AsyncIterable<Buffer>) {
    onProgress?.({ kind: 'advance', bytes: chunk.length });
    yield chunk;
  }
}

async function collectLayer(layer: ImageLayer, state: WalkState, signal: AbortSignal): Promise<CollectedLayer> {
  state.logger.debug(`layer ${layer.index}: ${layer.digest} (${layer.size} bytes, ${layer.mediaType})`);
  const blob = await layer.open();
  const stop = () => blob.destroy();
  signal.addEventListener('abort', stop, { once: true });
  try {
    return await collectEntries(
      (warn) =>
        readLayerEntries(counted(blob, state.onProgress), {
          budget: state.budget,
          layerName: `layer ${layer.index} (${layer.digest})`,
          ...(layer.diffId ? { diffId: layer.diffId } : {}),
          onWarning: (message, path) => warn(message, path ?? `layer ${layer.index}`),
        }),
      layer.index,
      state,
    );
  } finally {
    signal.removeEventListener('abort', stop);
    blob.destroy();
  }
}

/**
 * Collects every layer, LAYERS_IN_FLIGHT at a time, and applies them to the tree in layer order
 * (whiteouts must see exactly the layers below them). The first failure stops the other readers.
 */
async function collectLayers(layers: readonly ImageLayer[], state: WalkState): Promise<Warning[]> {
  const abort = new AbortController();
  const collected: Array<Promise<CollectedLayer>> = [];
  const warnings: Warning[] = [];
  let next = 0;
  const start = () => {
    const layer = layers[next++];
    if (!layer) return;
    const collecting = collectLayer(layer, state, abort.signal);
    // Awaited in order below; until then a failure must not count as unhandled.
    collecting.catch(() => {});
    collected.push(collecting);
  };
  for (let i = 0; i < LAYERS_IN_FLIGHT; i++) start();
  try {
    for (let index = 0; index < layers.length; index++) {
      const { changes, warnings: layerWarnings } = await collected[index]!;
      start();
      changes.applyTo(state.tree);
      warnings.push(...layerWarnings);
    }
  } catch (error) {
    abort.abort();
    await Promise.allSettled(collected);
    throw error;
  }
  return warnings;
}

async function inventoryOfImage(image: OpenedImage, state: WalkState): Promise<Inventory> {
  const layers: LayerRef[] = image.layers.map((layer) => {
    const ref: LayerRef = { index: layer.index, digest: layer.digest };
    if (layer.diffId) ref.diffId = layer.diffId;
    if (layer.createdBy) ref.createdBy = layer.createdBy;
    return ref;
  });
  state.onProgress?.({ kind: 'start', layers: layers.length, totalBytes: image.layers.reduce((sum, layer) => sum + layer.size, 0) });
  const warnings = await collectLayers(image.layers, state);
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
  return assembleInventory({ reference: image.reference, kind: 'image', tree: state.tree, image: summary, layers, warnings });
}

async function inventoryOfDirectory(directory: OpenedDirectory, state: WalkState): Promise<Inventory> {
  const { changes, warnings } = await collectEntries(
    (warn) => readDirectoryEntries(directory.root, { budget: state.budget, onWarning: (message, path) => warn(message, path ?? directory.root) }),
    0,
    state,
  );
  changes.applyTo(state.tree);
  return assembleInventory({ reference: directory.reference, kind: 'directory', tree: state.tree, layers: [], warnings });
}
