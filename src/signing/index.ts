/**
 * Signing, attesting and verifying images as cosign does, against any OCI registry: simple-signing
 * payloads and in-toto statements in DSSE envelopes, stored in cosign's tag scheme and as OCI 1.1
 * referrers, verified with specific failure reasons against trusted keys (trust file with expiry and
 * revocation). Keys themselves (files, PKCS#11) live in ./keys. See docs/formats/signatures.md.
 */
export * from './media-types.ts';
export { buildSimpleSigningPayload, parseSimpleSigningPayload, SIMPLE_SIGNING_TYPE, type SimpleSigningPayload } from './simple-signing.ts';
export { pae, parseEnvelope, serializeEnvelope, type DsseEnvelope, type DsseSignature } from './dsse.ts';
export { buildStatement, parseStatement, predicateTypeFor, PREDICATE_TYPES, STATEMENT_V1, type Statement, type Subject } from './in-toto.ts';
export { attachmentTag, parseAttachmentManifest, referrerManifest, tagSchemeManifest, type AttachmentManifest, type BuiltManifest } from './attachment-manifest.ts';
export { publishAttachment, type Attachment, type PublishedAttachment } from './publish.ts';
export { collectCandidates, type Candidate } from './collect.ts';
export { registryClientReader, type AttachmentReader } from './attachment-reader.ts';
export { loadTrustFile, parseTrust, trustedKey, type TrustedKey } from './trust.ts';
export { finishReport, formatReport, type Check, type FailureReason, type VerificationReport } from './report.ts';
export { sameRepository, verifyAttestationCandidates, verifySignatureCandidates, type VerifyOptions } from './verify.ts';
export { platformTargets, resolveTarget, type ImageTarget, type PlatformTarget, type TargetOptions } from './target.ts';
export { fetchStoredScan, parseStoredScan, SCAN_STATES, type StoredFinding, type StoredScan, type StoredScanAnswer, type StoredScanState } from './stored-scan.ts';
export { attestationAttachment, attestImage, signatureAttachment, signImage, verifyImageAttestations, verifyImageSignatures, type SignedAttachment, type SignedImage } from './operations.ts';
export { copyImage, type CopyEnd, type CopyResult } from './copy.ts';
export { dsseBundle, keyHint, messageSignatureBundle, verifyMessageSignatureBundle, BUNDLE_V03_MEDIA_TYPE } from './sigstore-bundle.ts';
export { evaluateScanRule, formatScanRule, parseScanRule, GATE_LEVELS, type ClauseViolation, type GateFinding, type GateLevel, type ScanClause, type ScanRule } from './scan-gate.ts';
