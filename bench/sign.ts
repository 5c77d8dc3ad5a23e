/**
 * `npm run bench:sign`: signing and verification latency against Debian's docker-registry
 * (distribution 2.8, started here on loopback), measured in this process through the same
 * operations the `sign` and `verify` commands run (resolve the tag, sign, store in both layouts;
 * collect and verify), so Node's start-up does not hide what signing costs.
 *
 *   sign     a fresh image per run (each gets its first signature), median and p99 over N runs
 *   verify   an image with one signature, median and p99 over N runs
 *   verify10 an image carrying 10 signatures (9 by other keys, then ours), median and p99
 *
 * for an ECDSA P-256 key in an encrypted cosign key file and an ECDSA P-256 key inside a SoftHSM2
 * token (scripts/softhsm-setup.sh; signing happens in the token through pkcs11-tool).
 *
 *   npm run bench:sign
 *   npm run bench:sign -- --runs 50
 */
import { parseArgs } from 'node:util';
import { PortcullisError } from '../src/core/index.ts';
import { resolveTarget, signImage, trustedKey, verifyImageSignatures, type TrustedKey } from '../src/signing/index.ts';
import { generateKeyPair, openPublicKey, openSigner, passphraseSource, signerFromPrivateKey, type Signer } from '../src/signing/keys/index.ts';
import { createTestToken } from '../src/signing/keys/testing/softhsm.ts';
import { pushToRegistry, smallImageLayout, startRegistry, type StartedRegistry } from '../test/helpers/registry.ts';
import { sampleLatency, summarize, type LatencySummary } from './lib/latency.ts';

/** A real cosign-made ECDSA P-256 key pair (policy-controller's example); its passphrase is empty. */
const FILE_KEY = new URL('../../shared/cosign-fixtures/keys/policy-controller-cosign.key', import.meta.url).pathname;
const SIGNATURES_ON_BUSY_IMAGE = 10;

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' } } });
const RUNS = Number(values.runs);
if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`--runs must be a positive integer, not ${values.runs}`);

interface BenchKey {
  label: string;
  signer: Signer;
  trusted: TrustedKey;
}

async function openKey(label: string, ref: string): Promise<BenchKey> {
  const options = { passphrase: passphraseSource({ env: { COSIGN_PASSWORD: '' } }) };
  const signer = await openSigner(ref, options);
  return { label, signer, trusted: trustedKey(label, await openPublicKey(ref, options)) };
}

async function sign(registry: StartedRegistry, image: string, signer: Signer): Promise<void> {
  const target = await resolveTarget(`${registry.host}/${image}`, {});
  await signImage(target, signer);
}

async function verify(registry: StartedRegistry, image: string, key: BenchKey): Promise<void> {
  const target = await resolveTarget(`${registry.host}/${image}`, {});
  const report = await verifyImageSignatures(target, { keys: [key.trusted] });
  if (!report.verified) throw new PortcullisError('INTERNAL', `${image}: verification failed in the benchmark: ${JSON.stringify(report.checks)}`);
}

const row = (name: string, figures: LatencySummary) =>
  `  ${name.padEnd(62)} ${figures.medianMs.toFixed(1).padStart(8)} ${figures.p99Ms.toFixed(1).padStart(8)} ${figures.minMs.toFixed(1).padStart(8)} ${figures.maxMs.toFixed(1).padStart(8)}`;

async function main(): Promise<void> {
  const layout = await smallImageLayout();
  const registry = await startRegistry();
  const token = createTestToken();
  try {
    const keys = [await openKey('file key (ECDSA P-256, cosign key file)', FILE_KEY), await openKey('SoftHSM2 key (ECDSA P-256, PKCS#11)', token.uri('signing-key'))];
    const source = `oci:${layout}:amd64`;
    const lines: string[] = [];
    for (const [index, key] of keys.entries()) {
      const repositories = Array.from({ length: RUNS }, (_, run) => `bench/key${index}-run${run}`);
      for (const repository of repositories) await pushToRegistry(source, `${registry.host}/${repository}:1`);
      const signing = summarize(await sampleLatency(RUNS, (run) => sign(registry, `${repositories[run]}:1`, key.signer)));
      const verifying = summarize(await sampleLatency(RUNS, () => verify(registry, `${repositories[0]}:1`, key)));
      lines.push(row(`sign, ${key.label}`, signing), row(`verify (1 signature), ${key.label}`, verifying));
    }

    const busy = 'bench/ten-signatures:1';
    await pushToRegistry(source, `${registry.host}/${busy}`);
    for (let other = 0; other < SIGNATURES_ON_BUSY_IMAGE - 1; other++) {
      const { privateKey } = await generateKeyPair('ecdsa-p256');
      await sign(registry, busy, signerFromPrivateKey(privateKey, `other key ${other}`));
    }
    const fileKey = keys[0]!;
    await sign(registry, busy, fileKey.signer);
    const busyVerify = summarize(await sampleLatency(RUNS, () => verify(registry, busy, fileKey)));
    lines.push(row(`verify (${SIGNATURES_ON_BUSY_IMAGE} signatures), file key`, busyVerify));

    console.log(`Signing benchmark: Debian docker-registry on ${registry.host}, ${RUNS} runs each, in-process (no Node start-up)\n`);
    console.log(`  ${'operation'.padEnd(62)} ${'median'.padStart(8)} ${'p99'.padStart(8)} ${'min'.padStart(8)} ${'max'.padStart(8)}   (ms)`);
    console.log(lines.join('\n'));
    console.log(
      '\nPeer: cosign is not installable on this machine (no Debian package, and binaries are not fetched from the\n' +
        'network here), so no cosign figures were measured in this run; only Portcullis figures are shown.',
    );
  } finally {
    token.remove();
    await registry.stop();
  }
}

await main();
