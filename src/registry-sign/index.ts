/**
 * Server-side signing: per-project auto-sign rules (which key, which scan rule), the AutoSigner
 * that signs images whose stored scan meets their project's rule, and the record of signed images
 * whose rescan broke the rule. See docs/auto-sign.md.
 */
export { AutoSigner, AUTOSIGN_ACTOR, type AutoSignerEvents, type AutoSignerOptions, type DefaultRule, type SignedEvent } from './auto-signer.ts';
export { AutoSignStore, type RecordedViolation, type RuleFailure, type SignedRecord } from './store.ts';
export { parseAutoSignRule, type AutoSignRule } from './rule.ts';
export type { ServerSecrets } from './keys.ts';
export { localAttachmentReader, storeAttachment, type LocalAttachment, type StoredAttachment } from './local-registry.ts';
