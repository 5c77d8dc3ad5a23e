/**
 * `readImage`: the one entry point from a target string to an opened image or directory. Parses the
 * target, then hands it to the source for its transport.
 */
import { openDirectory } from './sources/directory.ts';
import { openDockerArchive } from './sources/docker-archive.ts';
import { openOciArchive } from './sources/oci-archive.ts';
import { openOciLayout } from './sources/oci-layout.ts';
import { openRemoteImage } from './sources/remote.ts';
import { parseTarget } from './target.ts';
import type { OpenedTarget, ReadImageOptions } from './types.ts';

export async function readImage(target: string, options: ReadImageOptions = {}): Promise<OpenedTarget> {
  const parsed = await parseTarget(target);
  switch (parsed.transport) {
    case 'oci':
      return openOciLayout(target, parsed.path, parsed.tag, options);
    case 'oci-archive':
      return openOciArchive(target, parsed.path, parsed.tag, options);
    case 'docker-archive':
      return openDockerArchive(target, parsed.path, parsed.reference, options);
    case 'dir':
      return openDirectory(target, parsed.path);
    case 'docker':
      return openRemoteImage(parsed.reference, options);
  }
}
