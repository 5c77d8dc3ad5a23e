/** The image module's public surface: contracts, limits, opening targets, reading layers and directories. */
export * from './types.ts';
export * from './limits.ts';
export { readImage } from './open.ts';
export { type ParsedTarget, parseTarget } from './target.ts';
export { readLayerEntries } from './layer-reader.ts';
export type { LayerReadOptions } from './layer-reader.ts';
export { readDirectoryEntries } from './directory-reader.ts';
export type { DirectoryReadOptions } from './directory-reader.ts';
export { type ReadBudget, createReadBudget } from './budget.ts';
export { FileTree, MAX_SYMLINK_HOPS, type TreeNode, type TreeNodeKind } from './file-tree.ts';
export { type ImageParts, type LayerBlob, type ReadManifest, assembleImage, manifestParts } from './sources/image-assembly.ts';
export { verifyingStream } from './sources/blobs.ts';
