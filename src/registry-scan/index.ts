/**
 * Scanning built into the registry: the durable job queue, the scan worker reading images from the
 * local blob store, stored results, rescans on advisory updates, and webhooks. The management API
 * and pull gates read results through RegistryScanner's query methods.
 */
export { RegistryScanner, type RegistryScannerEvents, type RegistryScannerOptions, type ScanFailed, type ScanState } from './service.ts';
export type { AdvisoryDatabaseInfo, ListScansOptions, ScanListing, ScanResult, VulnerabilitySummary } from './results.ts';
export type { ImageRescan, RescanReport } from './rescan.ts';
export { findingKey } from './findings-diff.ts';
export type { Job, JobKind, JobState } from './job-store.ts';
export { openLocalImage } from './local-image.ts';
export { CYCLONEDX_ARTIFACT_TYPE, SBOM_CREATOR_ANNOTATION } from './sbom-referrer.ts';
export { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, type WebhookOptions, parseWebhookUrl, signBody } from './webhooks.ts';
export type { BreakGlassData, DeploymentViolationData, PullBlockedData, RaisedEvent, SigningRuleFailedData, WebhookEvent, WebhookEventType, WebhookFinding } from './webhook-events.ts';
