/** Cheap path tests shared by the language extractors' `fileRequired`. */

/** The last '/'-separated segment of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

