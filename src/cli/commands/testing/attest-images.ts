/**
 * Test support for the attesting commands (sign --require-scan, scan --attest, sbom --attest): a
 * small real image holding npm packages (built with Debian's umoci), the real advisory data of
 * ../shared/vulndata imported into a fresh database, and the in-toto statements attached to an image.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { RegistryClient } from '../../../registry-client/index.ts';
import { attachmentTag, parseAttachmentManifest, parseEnvelope, parseStatement, type Statement } from '../../../signing/index.ts';
import { runCli } from '../../../../test/helpers/cli.ts';
import { requireTool } from '../../../../test/helpers/registry.ts';

const run = promisify(execFile);
const VULNDATA = fileURLToPath(new URL('../../../../../shared/vulndata/', import.meta.url));

/** An OCI layout at `dir` (tag "app") with one layer of npm packages; returns the `oci:` target. */
export async function npmImage(dir: string, packages: Record<string, string>): Promise<string> {
  requireTool('umoci', 'umoci');
  const root = join(dir, 'root');
  await mkdir(join(root, 'app'), { recursive: true });
  await writeFile(join(root, 'app/package.json'), JSON.stringify({ name: 'shop', version: '1.0.0' }));
  for (const [name, version] of Object.entries(packages)) {
    await mkdir(join(root, 'app/node_modules', name), { recursive: true });
    await writeFile(join(root, 'app/node_modules', name, 'package.json'), JSON.stringify({ name, version }));
  }
  const layout = join(dir, 'layout');
  await run('umoci', ['init', '--layout', layout]);
  await run('umoci', ['new', '--image', `${layout}:app`]);
  await run('umoci', ['config', '--image', `${layout}:app`, '--os', 'linux', '--architecture', 'amd64']);
  await run('umoci', ['insert', '--image', `${layout}:app`, root, '/']);
  return `oci:${layout}:app`;
}

/** A fresh advisory database at `path` with the shared real advisory data. */
export async function importAdvisories(path: string): Promise<void> {
  assert.ok(existsSync(VULNDATA), `the shared advisory data is missing at ${VULNDATA}`);
  const imported = await runCli(['db', 'import', '--db', path, '-q', VULNDATA]);
  assert.equal(imported.code, 0, imported.stderr);
}

/** The statements in the cosign `.att` tag of `digest` (their signatures are checked elsewhere). */
export async function attachedStatements(host: string, repository: string, digest: string): Promise<Statement[]> {
  const client = new RegistryClient({ domain: host });
  const manifest = parseAttachmentManifest((await client.getManifest(repository, attachmentTag(digest, 'attestation'))).bytes);
  const statements: Statement[] = [];
  for (const layer of manifest.layers) {
    const envelope = parseEnvelope(await client.getBlob(repository, layer, 64 * 1024 * 1024));
    statements.push(parseStatement(envelope.payload));
  }
  return statements;
}
