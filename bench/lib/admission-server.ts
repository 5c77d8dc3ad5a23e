/**
 * The server side of `npm run bench:admission`, run as its own process so the load generator does
 * not share its event loop: an in-process registry with N labelled images, the admission webhook
 * over HTTPS (a generated certificate) deciding them by a policy that requires a label and verifies
 * signatures against a trusted key, exactly as `portcullis serve --admission` wires it.
 *
 *   node bench/lib/admission-server.ts --images N --cache on|off
 *
 * Prints one line `ready <url> <base64 CA PEM>` once it listens; stops on SIGTERM.
 */
import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PolicyHolder, createAdmission } from '../../src/admission/index.ts';
import { listenWebhook } from '../../src/admission/testing.ts';
import { silentLogger } from '../../src/core/index.ts';
import { openPolicyStore } from '../../src/registry-policy/index.ts';
import { openTestRegistry, pushImage } from '../../src/registry/testing.ts';

export const BENCH_REGISTRY_HOST = 'registry.bench.test';

const { values } = parseArgs({ options: { images: { type: 'string', default: '100' }, cache: { type: 'string', default: 'on' } } });
const images = Number(values.images);

const { registry, dataDir, close } = await openTestRegistry();
const labels = openPolicyStore(dataDir);
for (let index = 0; index < images; index++) {
  const { digest } = await pushImage(registry, `bench/app${index}`, '1.0', `bench image ${index}`);
  labels.setLabels(digest, { 'production-ready': 'true' });
}
const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
await writeFile(join(dataDir, 'release.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
await writeFile(join(dataDir, 'trust.yaml'), 'keys:\n  - name: release\n    publicKey: release.pub\n');
await writeFile(join(dataDir, 'policy.yaml'), 'defaultAdmissionRule:\n  evaluationMode: ALWAYS_ALLOW\nrequiredLabels:\n  production-ready: "true"\n');
const policy = await PolicyHolder.open({ policy: join(dataDir, 'policy.yaml'), trust: join(dataDir, 'trust.yaml') }, silentLogger);
// Cold runs keep nothing, so every request reads the registry, verifies and evaluates afresh.
const cache = values.cache === 'off' ? { allowTtlMs: 0, denyTtlMs: 0 } : {};
const admission = createAdmission({ policy: () => policy.current(), registry, localHosts: [BENCH_REGISTRY_HOST], labels, cache, logger: silentLogger });
const { app, url, ca } = await listenWebhook(registry, admission, 'bench');
process.stdout.write(`ready ${url} ${Buffer.from(ca).toString('base64')}\n`);
process.once('SIGTERM', () => {
  void (async () => {
    await app.close();
    admission.close();
    policy.close();
    labels.close();
    await close();
    process.exit(0);
  })();
});
