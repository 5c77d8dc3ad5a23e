/**
 * The append-only audit log: who did what, when, from where, with what outcome. Each record stores
 * the SHA-256 of the previous one, so verifyAuditChain() finds any row that was changed, inserted or
 * removed after the fact. Secrets never enter it: detail keys that look like credentials are refused.
 */
import { PortcullisError } from '../core/index.ts';
import { auditHash, GENESIS_HASH, type AuditEvent, type AuditRecord } from './audit-record.ts';
import type { AuthStore } from './store.ts';

const SECRET_KEY = /pass|secret|token|credential|authorization|private|key/i;
const MAX_FIELD_LENGTH = 1024;

function clip(value: string): string {
  return value.length > MAX_FIELD_LENGTH ? `${value.slice(0, MAX_FIELD_LENGTH)}...` : value;
}

/** Appends one event; returns the stored record. */
export function appendAudit(store: AuthStore, event: AuditEvent, now: Date = new Date()): AuditRecord {
  const detail = event.detail ?? {};
  for (const key of Object.keys(detail)) {
    if (SECRET_KEY.test(key)) throw new PortcullisError('INTERNAL', `audit detail key ${JSON.stringify(key)} looks like a secret; audit records never hold secrets`);
  }
  const clipped = Object.fromEntries(Object.entries(detail).map(([key, value]) => [key, typeof value === 'string' ? clip(value) : value]));
  return store.appendAudit((previous) => {
    const unsigned = {
      seq: (previous?.seq ?? 0) + 1,
      at: now.toISOString(),
      actor: clip(event.actor),
      action: event.action,
      target: clip(event.target),
      ip: clip(event.ip),
      outcome: event.outcome,
      detail: clipped,
      prevHash: previous?.hash ?? GENESIS_HASH,
    };
    return { ...unsigned, hash: auditHash(unsigned) };
  });
}

export type AuditVerification =
  | { ok: true; records: number }
  | { ok: false; records: number; brokenAt: number; reason: string };

const PAGE = 1000;

/** Walks the whole log and checks every link; `records` counts the rows checked before any break. */
export function verifyAuditChain(store: AuthStore): AuditVerification {
  let previousHash = GENESIS_HASH;
  let expectedSeq = 1;
  for (;;) {
    const page = store.readAudit(expectedSeq - 1, PAGE);
    for (const record of page) {
      const checked = expectedSeq - 1;
      if (record.seq !== expectedSeq) return { ok: false, records: checked, brokenAt: expectedSeq, reason: `record ${expectedSeq} is missing (next is ${record.seq})` };
      if (record.prevHash !== previousHash) return { ok: false, records: checked, brokenAt: record.seq, reason: `record ${record.seq} does not link to the record before it` };
      const { hash, ...unsigned } = record;
      if (auditHash(unsigned) !== hash) return { ok: false, records: checked, brokenAt: record.seq, reason: `record ${record.seq} was modified after it was written` };
      previousHash = hash;
      expectedSeq++;
    }
    if (page.length < PAGE) return { ok: true, records: expectedSeq - 1 };
  }
}
