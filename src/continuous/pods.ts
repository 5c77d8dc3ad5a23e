/**
 * Reading the cluster's pods (from the Kubernetes API, so not trusted blindly) into the images they
 * run, and reconciling that with the running-image inventory: images whose pods are gone end,
 * images running that admission never saw are added. Pure functions; kube-watch.ts feeds them.
 */
import type { RunningImage } from './model.ts';

/** One image one live pod runs. */
export interface PodImage {
  namespace: string;
  /** The workload that owns the pod (Deployment for a ReplicaSet with a pod-template-hash), else the pod. */
  kind: string;
  name: string;
  serviceAccount: string;
  image: string;
  digest?: string;
}

const DIGEST = /@(sha256:[0-9a-f]{64})$/;
const LIVE_PHASES = new Set(['Pending', 'Running', 'Unknown', undefined]);

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.map(record) : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= 4096 ? value : undefined;
}

/** The images of a live pod (finished pods run nothing); malformed entries are skipped. */
export function podImages(pod: unknown): PodImage[] {
  const object = record(pod);
  const metadata = record(object.metadata);
  const spec = record(object.spec);
  const status = record(object.status);
  const namespace = text(metadata.namespace);
  const podName = text(metadata.name);
  if (namespace === undefined || podName === undefined || !LIVE_PHASES.has(text(status.phase))) return [];
  const owner = ownerOf(metadata) ?? { kind: 'Pod', name: podName };
  const serviceAccount = text(spec.serviceAccountName) ?? 'default';
  const digests = new Map<string, string>();
  for (const container of list(status.containerStatuses)) {
    const name = text(container.name);
    const digest = DIGEST.exec(text(container.imageID) ?? '')?.[1];
    if (name !== undefined && digest !== undefined) digests.set(name, digest);
  }
  const images: PodImage[] = [];
  for (const container of list(spec.containers)) {
    const image = text(container.image);
    if (image === undefined) continue;
    const digest = DIGEST.exec(image)?.[1] ?? digests.get(text(container.name) ?? '');
    images.push({ namespace, ...owner, serviceAccount, image, ...(digest !== undefined && { digest }) });
  }
  return images;
}

/** The controlling owner; a ReplicaSet named `<deployment>-<pod-template-hash>` stands for its Deployment. */
function ownerOf(metadata: Record<string, unknown>): { kind: string; name: string } | undefined {
  const owner = list(metadata.ownerReferences).find((reference) => reference.controller === true);
  const kind = text(owner?.kind);
  const name = text(owner?.name);
  if (kind === undefined || name === undefined) return undefined;
  const hash = text(record(metadata.labels)['pod-template-hash']);
  if (kind === 'ReplicaSet' && hash !== undefined && name.endsWith(`-${hash}`)) return { kind: 'Deployment', name: name.slice(0, -hash.length - 1) };
  return { kind, name };
}

export interface Reconciliation {
  /** Inventory ids whose images no live pod runs. */
  ended: string[];
  /** Images live pods run that the inventory does not hold. */
  unknown: PodImage[];
}

/**
 * Compares the live pods' images with the inventory. An inventory image runs while a pod of its
 * namespace runs its digest (or, undigested, its exact image string): pods of a Deployment belong
 * to a ReplicaSet admission never named. `mayEnd` holds back images just admitted whose pods have
 * not started yet.
 */
export function reconcile(running: readonly RunningImage[], live: readonly PodImage[], mayEnd: (image: RunningImage) => boolean): Reconciliation {
  const liveKeys = new Set(live.map(liveKey));
  const known = new Set(running.map(liveKey));
  const ended = running.filter((image) => !liveKeys.has(liveKey(image)) && mayEnd(image)).map((image) => image.id);
  const unknown = new Map<string, PodImage>();
  for (const image of live) {
    if (!known.has(liveKey(image))) unknown.set(JSON.stringify([image.namespace, image.kind, image.name, image.image]), image);
  }
  return { ended, unknown: [...unknown.values()] };
}

function liveKey(image: { namespace: string; image: string; digest?: string }): string {
  return JSON.stringify([image.namespace, image.digest ?? image.image]);
}
