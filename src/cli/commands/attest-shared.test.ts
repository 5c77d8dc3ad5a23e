/**
 * `scan --attest` and `sbom --attest` round trips: the real CLI attaches the predicate to a real
 * registry (Debian's docker-registry), `verify-attestation` accepts it, and the statement carries
 * exactly what the command printed, about exactly the digest it read.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '../../registry-client/index.ts';
import { PREDICATE_TYPES } from '../../signing/index.ts';
import { runCli } from '../../../test/helpers/cli.ts';
import { pushToRegistry, startRegistry, type StartedRegistry } from '../../../test/helpers/registry.ts';
import { attachedStatements, importAdvisories, npmImage } from './testing/attest-images.ts';

const KEYS = new URL('../../../../shared/cosign-fixtures/keys/', import.meta.url).pathname;
const KEY = join(KEYS, 'policy-controller-cosign.key');
const PUB = join(KEYS, 'policy-controller-cosign.pub');

describe('scan --attest and sbom --attest', () => {
  let registry: StartedRegistry;
  let work: string;
  let db: string;
  let layout: string;
  const env = { COSIGN_PASSWORD: '', PORTCULLIS_PASSWORD: undefined, REGISTRY_AUTH_FILE: join(tmpdir(), 'portcullis-no-auth-file.json') };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'portcullis-attest-'));
    db = join(work, 'advisories.db');
    registry = await startRegistry();
    [layout] = await Promise.all([npmImage(join(work, 'image'), { lodash: '4.17.20' }), importAdvisories(db)]);
  });
  after(async () => {
    await registry?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  /** Pushes the image to a repository of its own, so each test reads only its own attestations. */
  async function pushed(repository: string): Promise<{ image: string; digest: string }> {
    const image = `${registry.host}/${repository}:1`;
    await pushToRegistry(layout, image);
    return { image, digest: (await new RegistryClient({ domain: registry.host }).getManifest(repository, '1')).digest };
  }

  it('scan --attest attaches the vuln predicate of the printed scan', async () => {
    const { image, digest } = await pushed('shop/scanned');
    const scanned = await runCli(['scan', image, '--db', db, '-f', 'json', '--attest', '--key', KEY], { env });
    assert.equal(scanned.code, 0, scanned.stderr);
    assert.match(scanned.stderr, new RegExp(`attested .*shop/scanned@${digest} \\(${PREDICATE_TYPES.vuln}\\)`));
    const printed = JSON.parse(scanned.stdout) as { findings: unknown[] };

    const verified = await runCli(['verify-attestation', image, '--key', PUB, '--type', 'vuln'], { env });
    assert.equal(verified.code, 0, verified.stdout + verified.stderr);
    const [statement, ...others] = await attachedStatements(registry.host, 'shop/scanned', digest);
    assert.deepEqual(others, []);
    assert.equal(statement?.predicateType, PREDICATE_TYPES.vuln);
    const predicate = statement?.predicate as { scanner: { result: { findings: unknown[] }; db: { uri: string } } };
    assert.deepEqual(predicate.scanner.result.findings, printed.findings);
    assert.equal(predicate.scanner.result.findings.length, 2, 'lodash 4.17.20 has two findings in the shared data');
    assert.match(predicate.scanner.db.uri, /^file:\/\/.*advisories\.db$/);
  });

  for (const format of ['cyclonedx', 'spdx'] as const) {
    it(`sbom --attest -f ${format} attaches the printed SBOM, verified by verify-attestation --type ${format}`, async () => {
      const { image, digest } = await pushed(`shop/sbom-${format}`);
      const made = await runCli(['sbom', image, '-f', format, '--attest', '--key', KEY, '-q'], { env });
      assert.equal(made.code, 0, made.stderr);
      const verified = await runCli(['verify-attestation', image, '--key', PUB, '--type', format], { env });
      assert.equal(verified.code, 0, verified.stdout + verified.stderr);
      const wrongType = await runCli(['verify-attestation', image, '--key', PUB, '--type', 'vuln'], { env });
      assert.equal(wrongType.code, 1, 'the SBOM attestation is not a vuln attestation');
      const [statement] = await attachedStatements(registry.host, `shop/sbom-${format}`, digest);
      assert.equal(statement?.predicateType, PREDICATE_TYPES[format]);
      assert.deepEqual(statement?.predicate, JSON.parse(made.stdout));
    });
  }

  it('refuses --attest on anything but a registry image, without --key, and with an unsignable format', async () => {
    const local = await runCli(['scan', layout, '--db', db, '--attest', '--key', KEY], { env });
    assert.equal(local.code, 2);
    assert.match(local.stderr, /scan --attest works on registry images only .* is read as a local oci target/);
    const sbomLocal = await runCli(['sbom', layout, '-f', 'spdx', '--attest', '--key', KEY], { env });
    assert.equal(sbomLocal.code, 2);
    assert.match(sbomLocal.stderr, /sbom --attest works on registry images only/);
    const noKey = await runCli(['scan', `${registry.host}/shop/any:1`, '--db', db, '--attest'], { env });
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /scan --attest needs --key REF/);
    const table = await runCli(['sbom', `${registry.host}/shop/any:1`, '--attest', '--key', KEY], { env });
    assert.equal(table.code, 2);
    assert.match(table.stderr, /sbom --attest needs --format cyclonedx or --format spdx/);
    const stray = await runCli(['sbom', layout, '-f', 'spdx', '--key', KEY], { env });
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /--key is used only with --attest/);
  });
});
