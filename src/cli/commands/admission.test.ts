/**
 * `portcullis admission` as users start it: the standalone webhook over HTTPS with a generated
 * certificate (its CA printed), deciding images in a real registry (Debian's docker-registry,
 * image pushed with skopeo); and `portcullis admission manifests`.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { parseAllDocuments } from 'yaml';
import { RegistryClient } from '../../registry-client/index.ts';
import { postHttps, reviewOf } from '../../admission/testing.ts';
import { runCli } from '../../../test/helpers/cli.ts';
import { freePort, pushToRegistry, smallImageLayout, startRegistry, type StartedRegistry } from '../../../test/helpers/registry.ts';

const CLI = new URL('../../../bin/portcullis.js', import.meta.url).pathname;
const POLICY = new URL('../../admission/testdata/policies/remote.yaml', import.meta.url).pathname;

let registry: StartedRegistry;
let webhook: ChildProcess;
let output = '';
let url: string;
let ca: string;
let digest: string;

before(async () => {
  registry = await startRegistry();
  await pushToRegistry(`oci:${await smallImageLayout()}:amd64`, `${registry.host}/team/app:1.0`);
  digest = (await new RegistryClient({ domain: registry.host, insecure: true }).getManifest('team/app', '1.0')).digest;
  const listen = `127.0.0.1:${await freePort()}`;
  webhook = spawn(process.execPath, [CLI, 'admission', '--listen', listen, '--policy', POLICY, '--insecure-registry', registry.host], { stdio: ['ignore', 'pipe', 'pipe'] });
  webhook.stdout?.on('data', (chunk: Buffer) => void (output += chunk.toString('utf8')));
  webhook.stderr?.on('data', (chunk: Buffer) => void (output += chunk.toString('utf8')));
  const deadline = Date.now() + 15_000;
  while (!output.includes('listening on')) {
    if (webhook.exitCode !== null || Date.now() > deadline) throw new Error(`portcullis admission did not start: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  url = `https://${listen}/admission`;
  ca = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/.exec(output)?.[0] ?? '';
});

after(async () => {
  if (webhook.pid !== undefined && webhook.exitCode === null) {
    process.kill(webhook.pid, 'SIGTERM');
    await new Promise((resolve) => webhook.once('exit', resolve));
  }
  await registry.stop();
});

const pod = (namespace: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace }, spec: { containers: [{ name: 'app', image: `${registry.host}/team/app:1.0` }] } });

describe('portcullis admission', () => {
  it('prints the CA that signed its serving certificate', () => {
    assert.match(output, /generated CA \(caBundle\)/);
    assert.equal(new X509Certificate(ca).ca, true);
  });

  it('decides images of a remote registry by the policy', async () => {
    const allowed = await postHttps(`${url}/validate`, reviewOf(pod('prod'), { uid: 'a' }), ca);
    assert.deepEqual(allowed.json().response, { uid: 'a', allowed: true });
    const denied = (await postHttps(`${url}/validate`, reviewOf(pod('locked'), { uid: 'b' }), ca)).json().response;
    assert.equal(denied.allowed, false);
    assert.match(denied.status.message, /team\/app:1\.0 violates evaluationMode/);
  });

  it('pins the image to the digest the registry serves', async () => {
    const response = (await postHttps(`${url}/mutate`, reviewOf(pod('prod')), ca)).json().response;
    const patch = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8'));
    assert.deepEqual(patch, [{ op: 'replace', path: '/spec/containers/0/image', value: `${registry.host}/team/app@${digest}` }]);
  });

  it('refuses plain HTTP away from loopback, and needs a policy', async () => {
    const plain = await runCli(['admission', '--listen', '0.0.0.0:0', '--policy', POLICY, '--plain-http']);
    assert.equal(plain.code, 2);
    assert.match(plain.stderr, /--plain-http is only allowed with a loopback/);
    const missing = await runCli(['admission', '--listen', '127.0.0.1:0']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /needs --policy FILE/);
  });
});

describe('portcullis admission manifests', () => {
  it('prints the objects that install the webhook, with a caBundle that verifies its certificate', async () => {
    const result = await runCli(['admission', 'manifests', '--namespace', 'gate', '--service-name', 'pc', '--image', 'registry.example/portcullis@sha256:' + 'a'.repeat(64)]);
    assert.equal(result.code, 0, result.stderr);
    const objects = parseAllDocuments(result.stdout).map((document) => document.toJS());
    assert.deepEqual(objects.map((object) => object.kind), ['Secret', 'Deployment', 'Service', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']);
    const secret = objects[0];
    const certificate = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64'));
    assert.match(certificate.subjectAltName ?? '', /DNS:pc\.gate\.svc\b/);
    for (const configuration of objects.slice(3)) {
      const [hook] = configuration.webhooks;
      assert.equal(hook.failurePolicy, 'Fail');
      assert.deepEqual(hook.admissionReviewVersions, ['v1']);
      assert.equal(hook.timeoutSeconds, 10);
      assert.deepEqual(hook.clientConfig.service, { name: 'pc', namespace: 'gate', path: configuration.kind === 'MutatingWebhookConfiguration' ? '/admission/mutate' : '/admission/validate', port: 443 });
      assert.ok(certificate.verify(new X509Certificate(Buffer.from(hook.clientConfig.caBundle, 'base64')).publicKey));
      assert.deepEqual(hook.namespaceSelector.matchExpressions[0].values, ['kube-system', 'kube-public', 'kube-node-lease', 'gate']);
    }
    assert.equal(objects[1].spec.template.spec.containers[0].image, `registry.example/portcullis@sha256:${'a'.repeat(64)}`);
  });
});
