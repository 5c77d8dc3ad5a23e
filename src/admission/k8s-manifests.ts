/**
 * The Kubernetes objects that install the webhook: a TLS Secret, the Deployment running
 * `portcullis admission`, its Service, and the Validating- and MutatingWebhookConfiguration that
 * send Pods and workload controllers to it. Both configurations fail closed (failurePolicy Fail),
 * skip the exempt namespaces by label, and ask for admission.k8s.io/v1 reviews only.
 */
import { stringify } from 'yaml';
import { DEFAULT_EXEMPT_NAMESPACES } from './controller.ts';

export interface ManifestOptions {
  namespace: string;
  serviceName: string;
  image: string;
  /** PEM of the CA that signed the serving certificate (the caBundle). */
  caCert: string;
  /** The serving certificate and key, stored in the Secret. */
  cert: string;
  key: string;
  /** Name of the TLS Secret (default SERVICE-tls). */
  tlsSecret?: string;
  /** ConfigMap holding `policy.yaml` (and optionally `trust.yaml`) (default SERVICE-policy). */
  policyConfigMap?: string;
  exemptNamespaces?: readonly string[];
  /** Seconds the API server waits for an answer (default 10; at most 30). */
  timeoutSeconds?: number;
  replicas?: number;
}

const PORT = 8443;
/** Pods and the controllers that make them: every kind whose images Portcullis reads. */
const RULES = [
  { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers', 'replicationcontrollers'], scope: 'Namespaced' },
  { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments', 'replicasets', 'statefulsets', 'daemonsets'], scope: 'Namespaced' },
  { apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs', 'cronjobs'], scope: 'Namespaced' },
];

function labels(options: ManifestOptions): Record<string, string> {
  return { 'app.kubernetes.io/name': options.serviceName, 'app.kubernetes.io/component': 'admission-webhook', 'app.kubernetes.io/part-of': 'portcullis' };
}

function webhook(options: ManifestOptions, kind: 'validate' | 'mutate'): Record<string, unknown> {
  const exempt = [...(options.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES), options.namespace];
  return {
    name: `${kind}.${options.serviceName}.portcullis.dev`,
    admissionReviewVersions: ['v1'],
    clientConfig: { service: { name: options.serviceName, namespace: options.namespace, path: `/admission/${kind}`, port: 443 }, caBundle: Buffer.from(options.caCert).toString('base64') },
    rules: RULES,
    failurePolicy: 'Fail',
    // Validation records deployments and audits break-glass: side effects it skips on dry runs.
    sideEffects: kind === 'validate' ? 'NoneOnDryRun' : 'None',
    timeoutSeconds: Math.min(options.timeoutSeconds ?? 10, 30),
    namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...new Set(exempt)] }] },
    ...(kind === 'mutate' && { reinvocationPolicy: 'IfNeeded' }),
  };
}

/** The objects in apply order, as one multi-document YAML stream. */
export function webhookManifests(options: ManifestOptions): string {
  const tlsSecret = options.tlsSecret ?? `${options.serviceName}-tls`;
  const policyConfigMap = options.policyConfigMap ?? `${options.serviceName}-policy`;
  const metadata = (name: string) => ({ name, namespace: options.namespace, labels: labels(options) });
  const exempt = options.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES;
  const objects: Array<Record<string, unknown>> = [
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: metadata(tlsSecret),
      type: 'kubernetes.io/tls',
      data: { 'tls.crt': Buffer.from(options.cert).toString('base64'), 'tls.key': Buffer.from(options.key).toString('base64'), 'ca.crt': Buffer.from(options.caCert).toString('base64') },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: metadata(options.serviceName),
      spec: {
        replicas: options.replicas ?? 2,
        selector: { matchLabels: labels(options) },
        template: {
          metadata: { labels: labels(options) },
          spec: {
            containers: [
              {
                name: 'admission',
                image: options.image,
                args: ['admission', '--listen', `0.0.0.0:${PORT}`, '--policy', '/etc/portcullis/policy/policy.yaml', '--tls-cert', '/etc/portcullis/tls/tls.crt', '--tls-key', '/etc/portcullis/tls/tls.key', '--exempt-namespaces', exempt.join(',')],
                ports: [{ name: 'https', containerPort: PORT }],
                readinessProbe: { httpGet: { path: '/admission/healthz', port: PORT, scheme: 'HTTPS' } },
                livenessProbe: { httpGet: { path: '/admission/healthz', port: PORT, scheme: 'HTTPS' } },
                securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '512Mi' } },
                volumeMounts: [
                  { name: 'tls', mountPath: '/etc/portcullis/tls', readOnly: true },
                  { name: 'policy', mountPath: '/etc/portcullis/policy', readOnly: true },
                ],
              },
            ],
            volumes: [
              { name: 'tls', secret: { secretName: tlsSecret } },
              { name: 'policy', configMap: { name: policyConfigMap } },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: metadata(options.serviceName),
      spec: { selector: labels(options), ports: [{ name: 'https', port: 443, targetPort: PORT }] },
    },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: options.serviceName, labels: labels(options) }, webhooks: [webhook(options, 'mutate')] },
    { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: options.serviceName, labels: labels(options) }, webhooks: [webhook(options, 'validate')] },
  ];
  return objects.map((object) => `---\n${stringify(object, { lineWidth: 0 })}`).join('');
}
