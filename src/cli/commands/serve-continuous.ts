/**
 * The continuous-validation part of `portcullis serve`: the running-image inventory (continuous.db
 * in --data) fed by admission (beside the DEPLOYMENT occurrences serve-metadata.ts records), decided
 * again by admission's decider when scans, rescans or the policy change, violations sent as
 * `deployment.violation` webhooks, the /api/v1/deployments API, and with --kube-watch the pod
 * watcher that keeps the inventory exact.
 */
import type { Admission, AdmissionPolicy, DeploymentRecord } from '../../admission/index.ts';
import type { Logger } from '../../core/index.ts';
import { ContinuousValidator, PodWatcher, RunningImageStore, admissionEngine } from '../../continuous/index.ts';
import type { RegistryScanner } from '../../registry-scan/index.ts';
import { continuousApi } from '../../server/api/continuous.ts';
import type { ServerExtension } from '../../server/index.ts';
import { usageError } from '../args.ts';

export const CONTINUOUS_OPTIONS = {
  'kube-watch': { type: 'string' },
} as const;

export const CONTINUOUS_HELP = `Continuous validation (docs/continuous-validation.md; with --admission, admitted images are
re-decided when their scan or the policy changes: GET /api/v1/deployments, portcullis status):
      --kube-watch KUBECONFIG
                          watch the cluster's pods (list/watch pods cluster-wide) so the inventory
                          of running images is exact: images whose pods are gone end`;

export interface ContinuousValues {
  'kube-watch'?: string | undefined;
  admission?: boolean | undefined;
  'admission-cluster'?: string | undefined;
}

export interface ContinuousSetup {
  /** Admission's recorder: the inventory, then the other recorder given (DEPLOYMENT occurrences). */
  recordDeployment: (record: DeploymentRecord) => void;
  /** Connects the inventory to admission's decider once the server builds it. */
  onCreated: (admission: Admission, policy: () => AdmissionPolicy) => void;
  extension: ServerExtension;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function openContinuous(
  values: ContinuousValues,
  dataDir: string,
  deps: { scanner: RegistryScanner; recordAdmission?: (record: DeploymentRecord) => void; logger: Logger },
): ContinuousSetup {
  const kubeconfig = values['kube-watch'];
  if (kubeconfig !== undefined && values.admission !== true) throw usageError('--kube-watch needs --admission (it keeps the inventory of admitted images exact)');
  const store = RunningImageStore.open(dataDir);
  const validator = new ContinuousValidator({ store, scanner: deps.scanner, notify: (violation) => deps.scanner.notify({ type: 'deployment.violation', data: violation }), logger: deps.logger });
  const cluster = values['admission-cluster'];
  const watcher = kubeconfig === undefined ? undefined : new PodWatcher({ kubeconfig, inventory: validator, ...(cluster !== undefined && { cluster }), logger: deps.logger });
  return {
    recordDeployment: (record) => {
      validator.recordDeployment(record);
      deps.recordAdmission?.(record);
    },
    onCreated: (admission, policy) => validator.attach(admissionEngine(admission, policy)),
    extension: continuousApi(validator),
    start: async () => watcher?.start(),
    close: async () => {
      await watcher?.stop();
      validator.close();
      await validator.whenIdle();
      store.close();
    },
  };
}
