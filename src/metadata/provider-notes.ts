/**
 * The notes Portcullis provides in project `portcullis`, which its own occurrences point at. Each is
 * created the first time a writer needs it; vulnerability notes are refreshed when the advisory
 * data about them changes.
 */
import { createHash } from 'node:crypto';
import type { Note } from './model.ts';
import { PROVIDER_PROJECT, noteName, parseNoteId } from './names.ts';
import type { MetadataStore } from './store.ts';

export const DISCOVERY_NOTE = 'discovery-vulnerability';
export const PACKAGE_NOTE = 'package-inventory';
export const SBOM_NOTE = 'sbom-cyclonedx';
export const DEPLOYMENT_NOTE = 'admission';

/** Returns the provider note's name, creating the note with `body` when it does not exist. */
export function ensureProviderNote(store: MetadataStore, noteId: string, body: Record<string, unknown>): string {
  if (store.notes.find(PROVIDER_PROJECT, noteId) === undefined) store.notes.create(PROVIDER_PROJECT, noteId, body);
  return noteName(PROVIDER_PROJECT, noteId);
}

/** Creates or refreshes a provider note so it says `body` (timestamps aside). */
export function upsertProviderNote(store: MetadataStore, noteId: string, body: Record<string, unknown>): string {
  const current = store.notes.find(PROVIDER_PROJECT, noteId);
  if (current === undefined) store.notes.create(PROVIDER_PROJECT, noteId, body);
  else if (!sameNote(current, body)) store.notes.update(PROVIDER_PROJECT, noteId, body, Object.keys({ ...stripped(current), ...body }).join(','));
  return noteName(PROVIDER_PROJECT, noteId);
}

function stripped(note: Note): Record<string, unknown> {
  const { name: _name, createTime: _created, updateTime: _updated, ...rest } = note;
  return rest;
}

function sameNote(note: Note, body: Record<string, unknown>): boolean {
  return JSON.stringify(stripped(note), Object.keys(stripped(note)).sort()) === JSON.stringify(body, Object.keys(body).sort());
}

/** A vulnerability id as a note id; ids outside the note-id grammar get a stable hashed id. */
export function vulnerabilityNoteId(id: string): string {
  try {
    return parseNoteId(id);
  } catch {
    return `vuln-${createHash('sha256').update(id).digest('hex').slice(0, 32)}`;
  }
}

export const discoveryNote = { kind: 'DISCOVERY', shortDescription: 'Portcullis vulnerability scanning', discovery: { analysisKind: 'VULNERABILITY' } };
export const packageNote = { kind: 'PACKAGE', shortDescription: 'Packages found by the Portcullis inventory', package: { name: 'portcullis-inventory' } };
export const sbomNote = { kind: 'SBOM_REFERENCE', shortDescription: 'CycloneDX SBOM attached by Portcullis', sbomReference: { format: 'CycloneDX', version: '1.6' } };
export const deploymentNote = { kind: 'DEPLOYMENT', shortDescription: 'Admitted by the Portcullis admission controller', deployment: { resourceUri: [] } };

export function attestorNote(keyFingerprint: string): { id: string; body: Record<string, unknown> } {
  const hex = keyFingerprint.slice(keyFingerprint.indexOf(':') + 1).slice(0, 16);
  return { id: `attestor-${hex}`, body: { kind: 'ATTESTATION', shortDescription: `Signatures by key ${keyFingerprint}`, attestation: { hint: { humanReadableName: keyFingerprint } } } };
}
