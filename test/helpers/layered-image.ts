/**
 * Real images for end-to-end tests: the real Debian minbase OCI layout (test/fixtures/debian.ts) with
 * extra layers added by Debian's umoci, each layer made from files written to a temporary directory.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { debianOciLayout } from '../fixtures/debian.ts';

const run = promisify(execFile);

/** Files of one layer: path inside the image (no leading '/') -> content. */
export type LayerFiles = Record<string, string>;

/**
 * Copies the Debian layout to `dir` and adds one layer per entry of `layers`, tagged `tag`.
 * Returns the target string for `oci:`.
 */
export async function debianWithLayers(dir: string, layers: readonly LayerFiles[], tag = 'test'): Promise<string> {
  const base = await debianOciLayout();
  await cp(base.dir, dir, { recursive: true });
  await run('umoci', ['tag', '--image', `${dir}:${base.tag}`, tag]);
  const scratch = await mkdtemp(join(tmpdir(), 'portcullis-layer-'));
  try {
    for (const [index, files] of layers.entries()) {
      const root = join(scratch, String(index));
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(root, path)), { recursive: true });
        await writeFile(join(root, path), content);
      }
      await run('umoci', ['insert', '--image', `${dir}:${tag}`, root, '/']);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return `oci:${dir}:${tag}`;
}
