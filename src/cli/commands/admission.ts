/**
 * `portcullis admission`: the Kubernetes admission webhook on its own (no registry here: every
 * image is checked in its own registry), over HTTPS with a given certificate or one made for the
 * Service at start-up (its CA printed for the webhook configuration's caBundle).
 * `portcullis admission manifests`: the Secret, Deployment, Service and webhook configurations
 * that install it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import Fastify, { type FastifyInstance } from 'fastify';
import {
  DEFAULT_EXEMPT_NAMESPACES,
  DEFAULT_REMOTE_TIMEOUT_MS,
  PolicyHolder,
  createAdmission,
  generateWebhookCertificate,
  registerAdmissionRoutes,
  registryRemoteFacts,
  webhookManifests,
  type AdmissionOptions,
  type WebhookCertificate,
} from '../../admission/index.ts';
import { parseWebhookUrl } from '../../registry-scan/index.ts';
import { choice, loggerFor, parseCommandLine, usageError } from '../args.ts';
import { parseListen } from './serve-location.ts';

/** Options the standalone webhook and `serve --admission` share. */
export const ADMISSION_POLICY_OPTIONS = {
  trust: { type: 'string' },
  'exempt-namespaces': { type: 'string' },
  'unknown-kinds': { type: 'string' },
  cluster: { type: 'string' },
  'remote-timeout': { type: 'string' },
  'insecure-registry': { type: 'string', multiple: true },
} as const;

export const ADMISSION_POLICY_HELP = `      --trust FILE        trust file (as portcullis verify --trust) giving the policy's attestor
                          keys validity windows and revocations
      --exempt-namespaces LIST
                          namespaces admitted unchecked (default ${DEFAULT_EXEMPT_NAMESPACES.join(',')})
      --unknown-kinds allow|deny
                          kinds without a pod spec Portcullis knows (default allow, with a warning)
      --cluster NAME      cluster name the policy's clusterAdmissionRules match
      --remote-timeout MS time allowed to read an image's facts from its registry (default
                          ${DEFAULT_REMOTE_TIMEOUT_MS}); past it the image is refused
      --insecure-registry HOST
                          reach this registry over plain HTTP (repeatable; loopback tests)`;

interface PolicyValues {
  trust?: string | undefined;
  'exempt-namespaces'?: string | undefined;
  'unknown-kinds'?: string | undefined;
  cluster?: string | undefined;
  'remote-timeout'?: string | undefined;
  'insecure-registry'?: string[] | undefined;
}

function exemptNamespaces(value: string | undefined): readonly string[] {
  return value === undefined ? DEFAULT_EXEMPT_NAMESPACES : value.split(',').map((name) => name.trim()).filter((name) => name !== '');
}

/** The admission settings of a command line, checked. */
export function admissionSettings(values: PolicyValues): Pick<AdmissionOptions, 'exemptNamespaces' | 'unknownKinds' | 'cluster' | 'remoteTimeoutMs' | 'remoteFacts'> {
  const timeout = values['remote-timeout'] ?? String(DEFAULT_REMOTE_TIMEOUT_MS);
  if (!/^\d{1,6}$/.test(timeout) || Number(timeout) < 1) throw usageError(`--remote-timeout takes milliseconds, got ${JSON.stringify(timeout)}`);
  return {
    exemptNamespaces: exemptNamespaces(values['exempt-namespaces']),
    unknownKinds: choice('unknown-kinds', values['unknown-kinds'], ['allow', 'deny'] as const, 'allow'),
    ...(values.cluster !== undefined && { cluster: values.cluster }),
    remoteTimeoutMs: Number(timeout),
    remoteFacts: registryRemoteFacts({ insecureHosts: values['insecure-registry'] ?? [] }),
  };
}

export const ADMISSION_HELP = `Usage: portcullis admission --policy FILE [options]
       portcullis admission manifests [options]

Runs the Kubernetes admission webhook: POST /admission/validate (allow or deny each workload by the
policy) and POST /admission/mutate (pin every image to its digest), over HTTPS.

Options:
      --listen HOST:PORT  address to listen on (default 127.0.0.1:8443)
      --policy FILE       the policy (docs/admission.md); reloaded when it changes
${ADMISSION_POLICY_HELP}
      --tls-cert FILE     serve with this PEM certificate ...
      --tls-key FILE      ... and key; without them a CA and certificate are made for
      --service-name NAME the webhook's Service (default portcullis-admission) ...
      --namespace NS      ... in this namespace (default portcullis); the CA is printed on stdout
      --ca-out FILE       also write the generated CA (PEM) to FILE
      --plain-http        serve plain HTTP (only on a loopback --listen address)
      --alert-webhook URL POST admission.break_glass events to URL (repeatable)
      --alert-webhook-secret-file FILE
                          shared secret for their X-Portcullis-Signature header
  -q, --quiet             log only errors
      --debug             log every decision
  -h, --help              this help

See 'portcullis admission manifests --help' for installing it in a cluster.`;

const SERVE_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  quiet: { type: 'boolean', short: 'q' },
  debug: { type: 'boolean' },
  listen: { type: 'string' },
  policy: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'service-name': { type: 'string' },
  namespace: { type: 'string' },
  'ca-out': { type: 'string' },
  'plain-http': { type: 'boolean' },
  'alert-webhook': { type: 'string', multiple: true },
  'alert-webhook-secret-file': { type: 'string' },
  ...ADMISSION_POLICY_OPTIONS,
} as const;

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export async function admissionCommand(args: string[]): Promise<number> {
  if (args[0] === 'manifests') return manifestsCommand(args.slice(1));
  const { values, positionals } = parseCommandLine(args, SERVE_OPTIONS);
  if (values.help) {
    process.stdout.write(`${ADMISSION_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`admission takes no arguments, got ${positionals.join(' ')}`);
  if (values.policy === undefined) throw usageError('admission needs --policy FILE');
  const { host, port } = parseListen(values.listen ?? '127.0.0.1:8443');
  const logger = loggerFor(values);
  const tls = await serverTls(values, host);
  const policy = await PolicyHolder.open({ policy: values.policy, ...(values.trust !== undefined && { trust: values.trust }) }, logger);
  policy.watch();
  const secret = await readSecret(values['alert-webhook-secret-file']);
  const admission = createAdmission({
    ...admissionSettings(values),
    policy: () => policy.current(),
    alerts: { urls: (values['alert-webhook'] ?? []).map(parseWebhookUrl), ...(secret !== undefined && { secret }) },
    logger,
  });
  const settings = { logger: false, bodyLimit: 4 * 1024 * 1024 } as const;
  const app = tls === undefined ? Fastify(settings) : (Fastify({ ...settings, https: { cert: tls.cert, key: tls.key } }) as unknown as FastifyInstance);
  registerAdmissionRoutes(app, admission.controller, logger);
  const address = await app.listen({ host, port });
  if (tls !== undefined && 'caCert' in tls) process.stdout.write(`portcullis admission: generated CA (caBundle):\n${tls.caCert}`);
  process.stdout.write(`portcullis admission: listening on ${address}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await app.close();
  admission.close();
  policy.close();
  return 0;
}

async function readSecret(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  const secret = (await readFile(file, 'utf8').catch((error: unknown) => {
    throw usageError(`${file}: ${(error as Error).message}`);
  })).replace(/\r?\n$/, '');
  if (secret === '') throw usageError(`${file} is empty`);
  return secret;
}

type ServerTls = { cert: string | Buffer; key: string | Buffer } | WebhookCertificate;

async function serverTls(values: { 'tls-cert'?: string | undefined; 'tls-key'?: string | undefined; 'plain-http'?: boolean | undefined; 'service-name'?: string | undefined; namespace?: string | undefined; 'ca-out'?: string | undefined }, host: string): Promise<ServerTls | undefined> {
  if (values['plain-http'] === true) {
    if (!LOOPBACK.has(host)) throw usageError('--plain-http is only allowed with a loopback --listen address: the API server calls webhooks over HTTPS');
    return undefined;
  }
  const certFile = values['tls-cert'];
  const keyFile = values['tls-key'];
  if (certFile !== undefined || keyFile !== undefined) {
    if (certFile === undefined || keyFile === undefined) throw usageError('--tls-cert and --tls-key go together');
    const read = (file: string) => readFile(file).catch((error: unknown) => {
      throw usageError(`${file}: ${(error as Error).message}`);
    });
    return { cert: await read(certFile), key: await read(keyFile) };
  }
  const generated = await generateWebhookCertificate({
    serviceName: values['service-name'] ?? 'portcullis-admission',
    namespace: values.namespace ?? 'portcullis',
    extraNames: LOOPBACK.has(host) ? ['localhost', '127.0.0.1', '::1'] : [],
  });
  if (values['ca-out'] !== undefined) await writeFile(values['ca-out'], generated.caCert);
  return generated;
}

export const MANIFESTS_HELP = `Usage: portcullis admission manifests [options]

Prints the Kubernetes objects that install the webhook, as YAML: a TLS Secret (a CA and a serving
certificate made now), the Deployment running portcullis admission, its Service, and the
Mutating- and ValidatingWebhookConfiguration (failurePolicy Fail, caBundle filled in, exempt
namespaces skipped). The Deployment reads the policy from ConfigMap SERVICE-policy (key policy.yaml):
  kubectl -n NS create configmap SERVICE-policy --from-file=policy.yaml

Options:
      --namespace NS      namespace of the webhook (default portcullis)
      --service-name NAME name of its Service and Deployment (default portcullis-admission)
      --image IMAGE       Portcullis image to run (default ghcr.io/portcullis/portcullis:latest;
                          pin it by digest in production)
      --tls-secret NAME   name of the TLS Secret (default SERVICE-tls)
      --exempt-namespaces LIST
                          namespaces never sent to the webhook (default ${DEFAULT_EXEMPT_NAMESPACES.join(',')})
      --timeout SECONDS   how long the API server waits for the webhook (default 10, at most 30)
  -h, --help              this help`;

const MANIFEST_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  namespace: { type: 'string' },
  'service-name': { type: 'string' },
  image: { type: 'string' },
  'tls-secret': { type: 'string' },
  'exempt-namespaces': { type: 'string' },
  timeout: { type: 'string' },
} as const;

async function manifestsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, MANIFEST_OPTIONS);
  if (values.help) {
    process.stdout.write(`${MANIFESTS_HELP}\n`);
    return 0;
  }
  if (positionals.length > 0) throw usageError(`admission manifests takes no arguments, got ${positionals.join(' ')}`);
  const timeout = values.timeout ?? '10';
  if (!/^\d{1,2}$/.test(timeout) || Number(timeout) < 1 || Number(timeout) > 30) throw usageError(`--timeout takes 1 to 30 seconds, got ${JSON.stringify(timeout)}`);
  const namespace = values.namespace ?? 'portcullis';
  const serviceName = values['service-name'] ?? 'portcullis-admission';
  const certificate = await generateWebhookCertificate({ serviceName, namespace });
  process.stdout.write(
    webhookManifests({
      namespace,
      serviceName,
      image: values.image ?? 'ghcr.io/portcullis/portcullis:latest',
      ...certificate,
      ...(values['tls-secret'] !== undefined && { tlsSecret: values['tls-secret'] }),
      exemptNamespaces: exemptNamespaces(values['exempt-namespaces']),
      timeoutSeconds: Number(timeout),
    }),
  );
  return 0;
}
