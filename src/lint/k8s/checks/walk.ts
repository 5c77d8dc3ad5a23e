/** Iteration helpers shared by the workload checks. */
import type { FieldPath } from '../load.ts';
import type { ManifestSet } from '../manifest-set.ts';
import type { ContainerView, Workload } from '../workloads.ts';
import type { RawFinding } from './check.ts';

/** Calls `visit` for every container, init container and ephemeral container of every workload. */
export function eachContainer(set: ManifestSet, visit: (workload: Workload, container: ContainerView, report: Reporter) => void): RawFinding[] {
  return eachWorkload(set, (workload, report) => {
    for (const container of workload.containers) visit(workload, container, report);
  });
}

export type Reporter = (path: FieldPath, message: string) => void;

/** Calls `visit` for every workload with a reporter bound to the workload's object. */
export function eachWorkload(set: ManifestSet, visit: (workload: Workload, report: Reporter) => void): RawFinding[] {
  const findings: RawFinding[] = [];
  for (const workload of set.workloads) {
    visit(workload, (path, message) => findings.push({ object: workload.object, path, message }));
  }
  return findings;
}

/** "container app", "init container setup", "ephemeral container debugger": for messages. */
export function describeContainer(container: ContainerView): string {
  const kind = container.field === 'initContainers' ? 'init container' : container.field === 'ephemeralContainers' ? 'ephemeral container' : 'container';
  return `${kind} ${container.name}`;
}

/** Capability names compare without the optional CAP_ prefix and case-insensitively, as the runtime does. */
export function capabilityName(value: string): string {
  const upper = value.toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}
