/**
 * Continuous validation of running images: the inventory of what admission let run (and what the
 * cluster watcher sees running), decided again by admission's own decider when scans, rescans or
 * the policy change; violations reported, nothing evicted. See docs/continuous-validation.md.
 */
export { type CurrentDecision, type EvaluationTrigger, type RunningImage, type RunningSource, type RunningStatus, runningImageId, statusOf } from './model.ts';
export { RunningImageStore } from './store.ts';
export { ContinuousValidator, type ContinuousOptions, type DecisionEngine, type ScanEventSource } from './validator.ts';
export { admissionEngine } from './engine.ts';
export { type PodImage, type Reconciliation, podImages, reconcile } from './pods.ts';
export { PodWatcher, type PodWatcherOptions } from './kube-watch.ts';
export { type DeploymentView, type DeploymentsSummary, deploymentView, summarize } from './view.ts';
export { type StatusImage, type StatusReport, formatStatusTable, parseStatusReport } from './status-report.ts';
