/**
 * The secret-scanning benchmark image: the realistic bench image (bench-image.ts) plus
 *
 *   layer 5  seven planted secrets of different kinds, one file each (PLANTED_SECRETS)
 *   layer 6  a whiteout deleting one of them (/root/.ssh/id_rsa): gone from the final filesystem,
 *            still inside the image
 *
 * Built once and cached under ~/.cache/portcullis-bench/ like the image it extends. The secrets
 * are fake, generated from a fixed seed (src/secrets/testing.ts).
 */
import { existsSync } from 'node:fs';
import { cp, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { sampleFor } from '../../src/secrets/testing.ts';
import { benchImage, type BenchImage } from './bench-image.ts';
import { run } from './run.ts';

const CACHE = join(homedir(), '.cache', 'portcullis-bench');
const VERSION = 'v1';

/** Path of the planted file that the last layer deletes. */
export const DELETED_SECRET = 'root/.ssh/id_rsa';

function pem(): string {
  const body = sampleFor('private-key').secret;
  return `-----BEGIN RSA PRIVATE KEY-----\n${body}\n-----END RSA PRIVATE KEY-----\n`;
}

/** Planted file (relative to the root) -> content; one secret of a different kind in each. */
export const PLANTED_SECRETS: Readonly<Record<string, string>> = {
  'root/.aws/credentials': `[default]\naws_access_key_id = ${sampleFor('aws-access-key-id').secret}\naws_secret_access_key = ${sampleFor('aws-secret-access-key').secret}\n`,
  'srv/app/config/github.env': `GITHUB_TOKEN=${sampleFor('github-token').secret}\n`,
  'srv/app/config/gitlab.yml': `gitlab:\n  url: https://gitlab.acme.io\n  private_token: ${sampleFor('gitlab-token').secret}\n`,
  'srv/app/notify.js': `const { WebClient } = require('@slack/web-api');\nconst slack = new WebClient('${sampleFor('slack-token').secret}');\n`,
  'srv/app/billing.py': `import stripe\nstripe.api_key = "${sampleFor('stripe-live-key').secret}"\n`,
  'root/.npmrc': `//registry.npmjs.org/:_authToken=${sampleFor('npm-token').secret}\n`,
  [DELETED_SECRET]: pem(),
};

async function build(finalDir: string, base: BenchImage): Promise<void> {
  const tmp = `${finalDir}.tmp`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const layout = join(tmp, 'layout');
  await cp(base.layout.dir, layout, { recursive: true });
  const files = join(tmp, 'secrets');
  for (const [path, content] of Object.entries(PLANTED_SECRETS)) {
    await mkdir(dirname(join(files, path)), { recursive: true });
    await writeFile(join(files, path), content, { mode: 0o600 });
  }
  await run('umoci', ['insert', '--image', `${layout}:${base.layout.tag}`, files, '/']);
  await run('umoci', ['insert', '--image', `${layout}:${base.layout.tag}`, '--whiteout', `/${DELETED_SECRET}`]);
  await run('umoci', ['gc', '--layout', layout]);
  await run('skopeo', ['copy', '-q', `oci:${layout}:${base.layout.tag}`, `docker-archive:${join(tmp, 'image.tar')}:portcullis/bench-secrets:1`]);
  await rm(files, { recursive: true, force: true });
  await rename(tmp, finalDir);
}

export async function secretsBenchImage(): Promise<BenchImage> {
  const dir = join(CACHE, `image-secrets-${VERSION}`);
  if (!existsSync(dir)) {
    const base = await benchImage();
    process.stderr.write(`building the secrets benchmark image in ${dir} (once)\n`);
    await build(dir, base);
  }
  return { layout: { dir: join(dir, 'layout'), tag: 'bench' }, dockerArchive: join(dir, 'image.tar') };
}
