/**
 * Grafeas-style metadata: projects, notes and occurrences (Grafeas v1 JSON), stored in grafeas.db
 * with occurrence revisions, list filters and page tokens; the writers that record what the
 * registry does (scans, signatures, deployments); and the triage (assessments) the policy engine
 * reads. The /v1 routes live in src/server/api/grafeas.
 */
export { MetadataStore, type MetadataStoreOptions, metadataDbPath, openMetadataStore } from './store.ts';
export { MetadataService, type MetadataServiceOptions, type ScanEvents, type SignedEvents } from './service.ts';
export { AlreadyExistsError, DEFAULT_PAGE_SIZE, MAX_BATCH, MAX_PAGE_SIZE, SYSTEM_AUTHOR, type ListOptions, type Note, type Occurrence, type OccurrenceRevision, type Page, type Project } from './model.ts';
export { NOTE_KINDS, SEVERITIES, VEX_STATES, type GrafeasSeverity, type NoteKind, type VexState } from './schema.ts';
export { PROVIDER_PROJECT, imageResourceUri, noteName, occurrenceName, parseImageResourceUri, parseNoteId, parseNoteName, parseOccurrenceId, parseProjectId, parseProjectName, type ImageResource, type NoteRef } from './names.ts';
export { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, MAX_FILTER_TERMS, matchesFilter, parseFilter, type FilterFields, type FilterNode } from './filter.ts';
export { OCCURRENCE_FILTER_FIELDS, type LabelReader, type OccurrenceScope } from './occurrence-store.ts';
export { NOTE_FILTER_FIELDS } from './note-store.ts';
export { parseNoteInput, parseOccurrenceInput } from './validate.ts';
export { grafeasSeverity, isRemovedFinding, recordScanFailure, recordScanResult } from './scan-writer.ts';
export { recordAttestation, recordDeployment, type AttestationRecord, type DeploymentRecord } from './records.ts';
export { assessmentsFor, type ExceptionFact, type ExceptionReader } from './assessments.ts';
export { vulnerabilitySummary } from './summary.ts';
