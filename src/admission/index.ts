/**
 * The Kubernetes admission webhook: AdmissionReview parsing, images of every workload kind, the
 * per-image decision (facts + policy, cached), digest pinning, break-glass, the routes, the
 * webhook's certificate and its Kubernetes manifests. See docs/admission.md.
 */
export { ADMISSION_API_VERSION, ADMISSION_KIND, MAX_REVIEW_BYTES, parseAdmissionReview, reviewResponse, type AdmissionOperation, type AdmissionRequest, type AdmissionResponse } from './review.ts';
export { CONTAINER_LISTS, MAX_IMAGES, WORKLOAD_KINDS, podSpecPath, readWorkload, type ImageUse, type Workload } from './workload.ts';
export { DecisionCache } from './cache.ts';
export { keysValidAt, type ImageFacts, type RemoteFacts, type RemoteFactsOptions } from './facts.ts';
export { LocalFacts, type LabelFacts, type LocalFactsOptions, type ScanFacts } from './local-facts.ts';
export { DEFAULT_REMOTE_TIMEOUT_MS, ImageDecider, verdictOf, type AdmissionPolicy, type DeciderOptions, type ImageVerdict } from './decide.ts';
export { AdmissionController, DEFAULT_EXEMPT_NAMESPACES, type ControllerOptions, type DeploymentRecord } from './controller.ts';
export { BINAUTHZ_BREAK_GLASS_ANNOTATION, BREAK_GLASS_ANNOTATION, BREAK_GLASS_EVENT, BREAK_GLASS_REASON_ANNOTATION, breakGlassAlerter, breakGlassReason, type BreakGlassEvent } from './break-glass.ts';
export { followInvalidations, type InvalidationSources } from './invalidation.ts';
export { ADMISSION_PREFIX, registerAdmissionRoutes } from './routes.ts';
export { admissionExtension, createAdmission, type Admission, type AdmissionOptions } from './service.ts';
export { PolicyHolder, admissionPolicy, loadAdmissionPolicy, type PolicyFiles } from './policy-source.ts';
export { generateWebhookCertificate, serviceNames, type CertificateOptions, type WebhookCertificate } from './tls.ts';
export { webhookManifests, type ManifestOptions } from './k8s-manifests.ts';
export { registryRemoteFacts, type RegistryFactsOptions } from './remote-facts.ts';
