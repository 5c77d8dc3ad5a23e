/** Cheap path tests shared by the language extractors' `fileRequired`. */

/** The last '/'-separated segment of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}


/**
 * True when a lock file sits inside an installed npm package. Published packages sometimes ship their
 * own development lock file; nothing in it was installed, so reading it would invent packages.
 */
export function isInsideNodeModules(path: string): boolean {
  return path.startsWith('node_modules/') || path.includes('/node_modules/');
}
