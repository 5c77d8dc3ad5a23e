/**
 * The squashed filesystem of an image: layers are applied in order (whiteouts and opaque markers of a
 * layer hide lower-layer entries only, as the OCI image spec says), and symlinks are resolved the way
 * a container runtime resolves them when it unpacks an image: inside the root only. A link that climbs
 * above the root stays at the root (`..` of `/` is `/`), absolute link targets are taken relative to
 * the root, and a chain of more than MAX_SYMLINK_HOPS links is a loop.
 *
 * Each node may carry a payload (`data`) chosen by the caller (extractor results).
 */

export const MAX_SYMLINK_HOPS = 40;

export type TreeNodeKind = 'file' | 'directory' | 'symlink' | 'other';

export interface TreeNode<T> {
  kind: TreeNodeKind;
  /** Layer index that wrote this node last. */
  layer: number;
  /** Symlink text, verbatim. */
  linkname?: string;
  data?: T;
  children?: Map<string, TreeNode<T>>;
}

function directory<T>(layer: number): TreeNode<T> {
  return { kind: 'directory', layer, children: new Map() };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((part) => part !== '' && part !== '.');
}

export class FileTree<T> {
  readonly root: TreeNode<T> = directory(-1);
  // Paths of directories are needed only to resolve a symlink met while inserting; a parent map
  // keeps that cheap without storing a path in every node.
  readonly #parents = new WeakMap<TreeNode<T>, { parent: TreeNode<T>; name: string }>();

  #attach(parent: TreeNode<T>, name: string, node: TreeNode<T>): TreeNode<T> {
    parent.children!.set(name, node);
    this.#parents.set(node, { parent, name });
    return node;
  }

  /**
   * Resolves `path` to its canonical components, following symlinks in every component (and in the
   * last one too when `followLast`). Returns undefined on a loop or when a component is missing or
   * not a directory.
   */
  resolve(path: string, followLast = true): { components: string[]; node: TreeNode<T> } | undefined {
    const pending = splitPath(path);
    const resolved: string[] = [];
    const nodes: TreeNode<T>[] = [this.root];
    let hops = 0;
    while (pending.length > 0) {
      const part = pending.shift()!;
      if (part === '..') {
        if (resolved.length > 0) {
          resolved.pop();
          nodes.pop();
        }
        continue;
      }
      const parent = nodes[nodes.length - 1]!;
      const child = parent.children?.get(part);
      if (!child) return undefined;
      const isLast = pending.length === 0;
      if (child.kind === 'symlink' && (!isLast || followLast)) {
        if (++hops > MAX_SYMLINK_HOPS) return undefined;
        const target = child.linkname ?? '';
        if (target.startsWith('/')) {
          resolved.length = 0;
          nodes.length = 1;
        }
        pending.unshift(...splitPath(target));
        continue;
      }
      if (!isLast && child.kind !== 'directory') return undefined;
      resolved.push(part);
      nodes.push(child);
    }
    return { components: resolved, node: nodes[nodes.length - 1]! };
  }

  /** The canonical path of `path` (symlinks resolved), or undefined when it does not resolve. */
  canonicalPath(path: string): string | undefined {
    return this.resolve(path)?.components.join('/');
  }

  get(path: string, followLast = true): TreeNode<T> | undefined {
    return this.resolve(path, followLast)?.node;
  }

  /**
   * The directory that holds `path`'s last component, creating missing directories (as an unpacker
   * does) and replacing non-directories in the way. Symlinks to directories are followed.
   */
  #parentOf(path: string, layer: number): { parent: TreeNode<T>; name: string } | undefined {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined || name === '..') return undefined;
    let current = this.root;
    for (const part of parts) {
      if (part === '..') return undefined; // readers never yield '..'; refuse rather than guess
      let child = current.children!.get(part);
      if (child?.kind === 'symlink') {
        const target = this.resolve(`${this.#pathOf(current)}/${part}`);
        child = target?.node.kind === 'directory' ? target.node : this.#attach(current, part, directory(layer));
      } else if (!child || child.kind !== 'directory') {
        child = this.#attach(current, part, directory(layer));
      }
      current = child;
    }
    return { parent: current, name };
  }

  #pathOf(node: TreeNode<T>): string {
    const parts: string[] = [];
    for (let at = this.#parents.get(node); at; at = this.#parents.get(at.parent)) parts.unshift(at.name);
    return parts.join('/');
  }

  /** Adds or replaces the entry at `path`. A directory over an existing directory keeps its children. */
  set(path: string, node: TreeNode<T>): TreeNode<T> | undefined {
    const located = this.#parentOf(path, node.layer);
    if (!located) return undefined;
    const { parent, name } = located;
    const existing = parent.children!.get(name);
    if (node.kind === 'directory') {
      if (existing?.kind === 'directory') {
        existing.layer = node.layer;
        return existing;
      }
      node.children ??= new Map();
    }
    return this.#attach(parent, name, node);
  }

  /** Removes `path` and everything below it (a whiteout). */
  delete(path: string): void {
    const parts = splitPath(path);
    const name = parts.pop();
    if (name === undefined) return;
    const parent = parts.length === 0 ? { node: this.root } : this.resolve(parts.join('/'));
    parent?.node.children?.delete(name);
  }

  /** Removes everything below directory `path` but keeps the directory (an opaque marker). */
  clear(path: string): void {
    const target = splitPath(path).length === 0 ? this.root : this.resolve(path)?.node;
    if (target?.kind === 'directory') target.children = new Map();
  }

  /** Every node, depth first, children in name order (deterministic), with its path. */
  *walk(): Generator<{ path: string; node: TreeNode<T> }> {
    const stack: Array<{ path: string; node: TreeNode<T> }> = [{ path: '', node: this.root }];
    while (stack.length > 0) {
      const { path, node } = stack.pop()!;
      if (path !== '') yield { path, node };
      if (!node.children) continue;
      const names = [...node.children.keys()].sort().reverse();
      for (const name of names) stack.push({ path: path === '' ? name : `${path}/${name}`, node: node.children.get(name)! });
    }
  }
}
