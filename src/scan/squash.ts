/**
 * Applies one layer's entries to the squashed filesystem and keeps, per file, the history that layer
 * attribution needs: for every version of a file that extractors read, which packages it declared.
 */
import { FileTree, type TreeNode, type WalkEntry } from '../image/index.ts';
import type { ExtractorOutput } from './extractor-dispatch.ts';

export interface FileData {
  outputs: ExtractorOutput[];
  /** One entry per layer that wrote this path, oldest first, with the package keys it declared. */
  history: Array<{ layer: number; keys: ReadonlySet<string> }>;
}

export type SquashTree = FileTree<FileData>;

/** Identity of a package for attribution: the same name and version in two layers is the same package. */
export function packageKey(pkg: { type: string; namespace?: string; name: string; version: string; arch?: string }): string {
  return `${pkg.type}\u0000${pkg.namespace ?? ''}\u0000${pkg.name}\u0000${pkg.version}\u0000${pkg.arch ?? ''}`;
}

function keysOf(outputs: readonly ExtractorOutput[]): Set<string> {
  const keys = new Set<string>();
  for (const output of outputs) for (const pkg of output.result.packages) keys.add(packageKey(pkg));
  return keys;
}

/**
 * Collects one layer's changes while it streams, then applies them at once: the whiteouts of a layer
 * hide lower layers only, never entries of the same layer, whatever their order in the tar. Collecting
 * needs nothing from the lower layers, so several layers can stream at the same time and be applied
 * in order afterwards.
 */
export class LayerChanges {
  readonly layer: number;
  readonly #deletions: string[] = [];
  readonly #opaques: string[] = [];
  readonly #entries = new Map<string, TreeNode<FileData>>();
  /** Hard links, resolved when the layer is applied: the target may sit in a lower layer. */
  readonly #hardlinks: Array<{ path: string; target: string }> = [];

  constructor(layer: number) {
    this.layer = layer;
  }

  add(entry: WalkEntry, outputs: ExtractorOutput[]): void {
    switch (entry.type) {
      case 'whiteout':
        this.#deletions.push(entry.path);
        return;
      case 'opaque':
        this.#opaques.push(entry.path);
        return;
      case 'directory':
        this.#entries.set(entry.path, { kind: 'directory', layer: this.layer });
        return;
      case 'symlink':
        this.#entries.set(entry.path, { kind: 'symlink', layer: this.layer, linkname: entry.linkname ?? '' });
        return;
      case 'hardlink':
        this.#entries.set(entry.path, { kind: 'file', layer: this.layer });
        this.#hardlinks.push({ path: entry.path, target: entry.linkname ?? '' });
        return;
      case 'file':
        this.#entries.set(entry.path, this.#file(outputs));
        return;
      case 'other':
        this.#entries.set(entry.path, { kind: 'other', layer: this.layer });
        return;
    }
  }

  #file(outputs: ExtractorOutput[]): TreeNode<FileData> {
    if (outputs.length === 0) return { kind: 'file', layer: this.layer };
    return { kind: 'file', layer: this.layer, data: { outputs, history: [] } };
  }

  /** A hard link is the same file under another name: it declares what its target declared. */
  #hardlink(path: string, target: string, tree: SquashTree): TreeNode<FileData> {
    const linked = this.#entries.get(target) ?? tree.get(target);
    const outputs = linked?.data?.outputs.map((output) => ({
      extractor: output.extractor,
      result: {
        ...output.result,
        packages: output.result.packages.map((pkg) => ({ ...pkg, locations: [path] })),
      },
    }));
    return this.#file(outputs ?? []);
  }

  /** Applies the layer: deletions and opaque markers first, then the new entries. */
  applyTo(tree: SquashTree): void {
    // Targets are looked up before this layer's deletions hide lower-layer files.
    for (const { path, target } of this.#hardlinks) this.#entries.set(path, this.#hardlink(path, target, tree));
    for (const path of this.#opaques) tree.clear(path);
    for (const path of this.#deletions) tree.delete(path);
    for (const [path, node] of this.#entries) {
      if (node.data) {
        const previous = tree.get(path, false);
        const earlier = previous?.kind === 'file' ? (previous.data?.history ?? []) : [];
        node.data.history = [...earlier, { layer: this.layer, keys: keysOf(node.data.outputs) }];
      }
      tree.set(path, node);
    }
  }
}

/**
 * The layer that introduced a package found in a file: the oldest layer of the unbroken run of
 * versions of that file, ending with the surviving one, that all declared the package.
 */
export function introducingLayer(data: FileData, key: string): number | undefined {
  let layer: number | undefined;
  for (let i = data.history.length - 1; i >= 0; i--) {
    const version = data.history[i]!;
    if (!version.keys.has(key)) break;
    layer = version.layer;
  }
  return layer;
}
