/**
 * Test support for admission: AdmissionReviews built around the workload fixtures (as the API
 * server wraps an object), the webhook served on a loopback port, and a JSON POST over HTTPS trusting
 * only the given CA.
 */
import type { FastifyInstance } from 'fastify';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteAuthStore, type SqliteAuthStore } from '../auth/index.ts';
import { silentLogger } from '../core/index.ts';
import { openPolicyStore, type PolicyStore } from '../registry-policy/index.ts';
import { RegistryScanner } from '../registry-scan/index.ts';
import { type WebhookReceiver, startWebhookReceiver } from '../registry-scan/testing.ts';
import type { RegistryService } from '../registry/index.ts';
import { openTestRegistry, pushImage } from '../registry/testing.ts';
import { allowAll, build } from '../server/index.ts';
import type { DeploymentRecord } from './controller.ts';
import type { RemoteFacts } from './facts.ts';
import { PolicyHolder } from './policy-source.ts';
import type { AdmissionOperation } from './review.ts';
import { registerAdmissionRoutes } from './routes.ts';
import { createAdmission, type Admission } from './service.ts';
import { generateWebhookCertificate } from './tls.ts';

export const TEST_REGISTRY_HOST = 'registry.portcullis.test';

/**
 * The registry with the admission webhook over HTTPS on a loopback port, with a certificate generated
 * for it: `url` is the webhook's base (…/admission), `ca` the PEM a client must trust.
 */
export async function listenWebhook(registry: RegistryService, admission: Admission, namespace: string): Promise<{ app: FastifyInstance; url: string; ca: string }> {
  const certificate = await generateWebhookCertificate({ serviceName: 'portcullis-admission', namespace, extraNames: ['127.0.0.1'] });
  const app = build({
    registry,
    authorize: allowAll,
    tls: { cert: Buffer.from(certificate.cert), key: Buffer.from(certificate.key) },
    extensions: [(server, context) => registerAdmissionRoutes(server, admission.controller, context.logger)],
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url: `${address}/admission`, ca: certificate.caCert };
}

/** Group of each fixture's kind, as the API server reports it in request.kind. */
const GROUPS: Record<string, string> = { Pod: '', ConfigMap: '', ReplicationController: '', Deployment: 'apps', ReplicaSet: 'apps', StatefulSet: 'apps', DaemonSet: 'apps', Job: 'batch', CronJob: 'batch' };

export const WORKLOAD_FIXTURES = ['pod', 'deployment', 'replicaset', 'statefulset', 'daemonset', 'job', 'cronjob', 'replicationcontroller'] as const;

export function workloadFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`testdata/workloads/${name}.json`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

export interface ReviewOptions {
  uid?: string;
  operation?: AdmissionOperation;
  namespace?: string;
  dryRun?: boolean;
  username?: string;
}

/** An AdmissionReview of `object` the way the API server sends one. */
export function reviewOf(object: Record<string, unknown>, options: ReviewOptions = {}): Record<string, unknown> {
  const kind = String(object.kind);
  const apiVersion = String(object.apiVersion);
  const version = apiVersion.includes('/') ? apiVersion.split('/')[1] : apiVersion;
  const metadata = (object.metadata ?? {}) as { name?: string; namespace?: string };
  const namespace = options.namespace ?? metadata.namespace ?? 'default';
  const operation = options.operation ?? 'CREATE';
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: options.uid ?? crypto.randomUUID(),
      kind: { group: GROUPS[kind] ?? 'example.com', version, kind },
      resource: { group: GROUPS[kind] ?? 'example.com', version, resource: `${kind.toLowerCase()}s` },
      name: metadata.name,
      namespace,
      operation,
      userInfo: { username: options.username ?? 'alice', groups: ['system:authenticated'] },
      object: operation === 'DELETE' ? null : { ...object, metadata: { ...metadata, namespace } },
      oldObject: operation === 'UPDATE' || operation === 'DELETE' ? object : null,
      dryRun: options.dryRun ?? false,
    },
  };
}

export interface HttpsAnswer {
  status: number;
  body: string;
  json(): any;
}

/** POSTs `body` (a string is sent as is) over HTTPS, trusting only `ca`. */
export function postHttps(url: string, body: unknown, ca: string, contentType = 'application/json'): Promise<HttpsAnswer> {
  const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method: 'POST', ca, headers: { 'content-type': contentType } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode ?? 0, body: text, json: () => JSON.parse(text) });
      });
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(payload);
  });
}


export interface TestWebhook {
  /** `https://127.0.0.1:<port>/admission` */
  url: string;
  /** PEM of the CA that signed the server's certificate. */
  ca: string;
  registry: RegistryService;
  labels: PolicyStore;
  scanner: RegistryScanner;
  auth: SqliteAuthStore;
  admission: Admission;
  policy: PolicyHolder;
  /** The policy file in force (a copy the test may rewrite). */
  policyFile: string;
  /** The release attestor's private key (its public key is in the policy and trust file). */
  releaseKey: KeyObject;
  records: DeploymentRecord[];
  alerts: WebhookReceiver;
  /** Pushes an image to the in-process registry, labelled production-ready unless told otherwise. */
  push(repository: string, tag: string, options?: { productionReady?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export const ALERT_SECRET = 'admission-test-alert-secret';

export interface TestWebhookOptions {
  remoteFacts?: RemoteFacts;
  remoteTimeoutMs?: number;
  denyTtlMs?: number;
}

/**
 * The webhook on a real HTTPS listener (127.0.0.1, port 0) beside an in-process registry, scanner
 * (no workers), label store and auth store; `registry.portcullis.test` is its local host name.
 */
export async function startTestWebhook(options: TestWebhookOptions = {}): Promise<TestWebhook> {
  const work = await mkdtemp(join(tmpdir(), 'portcullis-admission-test-'));
  const { registry, close: closeRegistry, dataDir } = await openTestRegistry();
  const labels = openPolicyStore(dataDir);
  const scanner = new RegistryScanner({ registry, dataDir, scanWorkers: 0, watchIntervalMs: 0, toolVersion: 'test' });
  scanner.start();
  const auth = openSqliteAuthStore(join(work, 'auth.db'));
  const alerts = await startWebhookReceiver();
  const policyFile = join(work, 'policy.yaml');
  await copyFile(new URL('testdata/policies/signed.yaml', import.meta.url), policyFile);
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await writeFile(join(work, 'release.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(join(work, 'trust.yaml'), 'keys:\n  - name: release\n    publicKey: release.pub\n');
  const policy = await PolicyHolder.open({ policy: policyFile, trust: join(work, 'trust.yaml') }, silentLogger);
  const records: DeploymentRecord[] = [];
  const admission = createAdmission({
    policy: () => policy.current(),
    registry,
    localHosts: [TEST_REGISTRY_HOST],
    scanner,
    labels,
    ...(options.remoteFacts !== undefined && { remoteFacts: options.remoteFacts }),
    ...(options.remoteTimeoutMs !== undefined && { remoteTimeoutMs: options.remoteTimeoutMs }),
    cache: { denyTtlMs: options.denyTtlMs ?? 60_000 },
    recordDeployment: (record) => void records.push(record),
    auditStore: auth.store,
    alerts: { urls: [alerts.url], secret: ALERT_SECRET },
    logger: silentLogger,
  });
  const { app, url, ca } = await listenWebhook(registry, admission, 'portcullis');
  return {
    url,
    ca,
    registry,
    labels,
    scanner,
    auth: auth.store,
    admission,
    policy,
    policyFile,
    releaseKey: privateKey,
    records,
    alerts,
    push: async (repository, tag, pushOptions = {}) => {
      const { digest } = await pushImage(registry, repository, tag, `${repository}:${tag}:${Math.random()}`);
      if (pushOptions.productionReady !== false) labels.setLabels(digest, { 'production-ready': 'true' });
      return digest;
    },
    close: async () => {
      await app.close();
      admission.close();
      policy.close();
      await scanner.close();
      labels.close();
      auth.close();
      await alerts.close();
      await closeRegistry();
      await rm(work, { recursive: true, force: true });
    },
  };
}
