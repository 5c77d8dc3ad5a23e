/**
 * The admission part of `portcullis serve`: with --admission, the webhook runs on the registry's
 * own listener (/admission/validate, /admission/mutate) and reads images pushed to this registry
 * in-process (manifest, signatures, scan results, labels); images of other registries are read
 * remotely within --admission-remote-timeout.
 */
import type { Logger } from '../../core/index.ts';
import { type Admission, type AdmissionPolicy, type BreakGlassEvent, PolicyHolder, admissionExtension, type DeploymentRecord, type LabelFacts } from '../../admission/index.ts';
import { type PolicyLayers, layeredAdmissionPolicy } from '../../policy-store/index.ts';
import type { RegistryScanner } from '../../registry-scan/index.ts';
import type { RegistryService } from '../../registry/index.ts';
import type { ServerExtension } from '../../server/index.ts';
import { usageError } from '../args.ts';
import { admissionSettings } from './admission.ts';

export const ADMISSION_OPTIONS = {
  admission: { type: 'boolean' },
  'admission-policy': { type: 'string' },
  'admission-trust': { type: 'string' },
  'local-registry-host': { type: 'string', multiple: true },
  'admission-exempt-namespaces': { type: 'string' },
  'admission-unknown-kinds': { type: 'string' },
  'admission-cluster': { type: 'string' },
  'admission-remote-timeout': { type: 'string' },
} as const;

export const ADMISSION_HELP = `Admission webhook (docs/admission.md; Kubernetes calls it over HTTPS: give --tls-cert/--tls-key):
      --admission         serve POST /admission/validate and /admission/mutate
      --admission-policy FILE
                          the policy admission decides by (reloaded when it changes)
      --admission-trust FILE
                          trust file giving the attestor keys validity windows and revocations
      --local-registry-host HOST[:PORT]
                          the name pod specs reach this registry by (repeatable; default the
                          --listen and --service addresses): its images are read in-process
      --admission-exempt-namespaces LIST
                          admitted unchecked (default kube-system,kube-public,kube-node-lease)
      --admission-unknown-kinds allow|deny
      --admission-cluster NAME
      --admission-remote-timeout MS
                          budget for images of other registries (default 3000); past it: denied`;

interface AdmissionValues {
  admission?: boolean | undefined;
  'admission-policy'?: string | undefined;
  'admission-trust'?: string | undefined;
  'local-registry-host'?: string[] | undefined;
  'admission-exempt-namespaces'?: string | undefined;
  'admission-unknown-kinds'?: string | undefined;
  'admission-cluster'?: string | undefined;
  'admission-remote-timeout'?: string | undefined;
  listen?: string | undefined;
  service?: string | undefined;
}

export interface ServeAdmissionDeps {
  registry: RegistryService;
  scanner: RegistryScanner;
  labels: LabelFacts;
  /** Break-glass alerts go to the server's webhook receivers. */
  alertBreakGlass?: (event: BreakGlassEvent) => void;
  recordDeployment?: (record: DeploymentRecord) => void | Promise<void>;
  /** The server's policy layers (organisation, namespaces): admission decides by them and the --admission-policy file. */
  layers?: PolicyLayers;
  /** --policy was given: the organisation layer stands in for --admission-policy. */
  organisationPolicy?: boolean;
  /** Told the assembled admission and its policy (continuous validation decides running images by them). */
  onCreated?: (admission: Admission, policy: () => AdmissionPolicy) => void;
  logger: Logger;
}

export interface ServeAdmission {
  extensions: ServerExtension[];
  close(): void;
}

export async function openServeAdmission(values: AdmissionValues, deps: ServeAdmissionDeps): Promise<ServeAdmission> {
  const policyFile = values['admission-policy'];
  if (values.admission !== true) {
    if (policyFile !== undefined) throw usageError('--admission-policy needs --admission');
    return { extensions: [], close: () => {} };
  }
  if (policyFile === undefined && deps.organisationPolicy !== true) throw usageError('--admission needs --admission-policy FILE or --policy FILE');
  const trust = values['admission-trust'];
  const holder = policyFile === undefined ? undefined : await PolicyHolder.open({ policy: policyFile, ...(trust !== undefined && { trust }) }, deps.logger);
  holder?.watch();
  const filePolicy = holder === undefined ? undefined : () => holder.current();
  const current = deps.layers === undefined ? filePolicy : layeredAdmissionPolicy(deps.layers, filePolicy);
  if (current === undefined) throw usageError('--admission needs --admission-policy FILE or --policy FILE');
  const localHosts = values['local-registry-host'] ?? [values.listen ?? '127.0.0.1:5000', ...(values.service === undefined ? [] : [values.service])];
  const settings = admissionSettings({
    'exempt-namespaces': values['admission-exempt-namespaces'],
    'unknown-kinds': values['admission-unknown-kinds'],
    cluster: values['admission-cluster'],
    'remote-timeout': values['admission-remote-timeout'],
  });
  const extension = admissionExtension({
    ...settings,
    policy: current,
    registry: deps.registry,
    localHosts: localHosts.map((host) => host.toLowerCase()),
    scanner: deps.scanner,
    labels: deps.labels,
    ...(deps.alertBreakGlass !== undefined && { alertBreakGlass: deps.alertBreakGlass }),
    ...(deps.recordDeployment !== undefined && { recordDeployment: deps.recordDeployment }),
    ...(deps.onCreated !== undefined && { onCreated: (admission: Admission) => deps.onCreated?.(admission, current) }),
  });
  return { extensions: [extension], close: () => holder?.close() };
}
