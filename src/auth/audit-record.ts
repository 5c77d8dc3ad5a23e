/**
 * One row of the audit log and the hash that chains it to the previous row. The hash covers every
 * field in a fixed order, so changing, inserting or deleting a row breaks verification from there on.
 */
import { createHash } from 'node:crypto';

export type AuditAction =
  | 'login.ok'
  | 'login.failed'
  | 'token.issue'
  | 'push'
  | 'pull'
  | 'delete'
  | 'policy.change'
  | 'scan.request'
  | 'user.create'
  | 'user.update'
  | 'user.delete'
  | 'robot.create'
  | 'robot.revoke'
  | 'robot.delete'
  | 'project.change'
  | 'member.change'
  /** A deploy admitted by a break-glass annotation despite the admission policy. */
  | 'admission.break_glass'
  /** An image signed by the server's auto-sign rule (actor portcullis-autosign). */
  | 'sign'
  /** A signed image whose rescan breaks the auto-sign rule it was signed under. */
  | 'sign.rule.failed';

export type AuditDetail = Record<string, string | number | boolean>;

export interface AuditEvent {
  /** Who: "alice", "robot$ci", "anonymous", "system". */
  actor: string;
  action: AuditAction;
  /** What: a repository, "team/app@sha256:...", a user or robot name. */
  target: string;
  /** From where: the client address, or "" for local operations. */
  ip: string;
  outcome: 'ok' | 'denied' | 'failed';
  detail?: AuditDetail;
}

export interface AuditRecord extends Required<AuditEvent> {
  seq: number;
  /** ISO 8601 UTC. */
  at: string;
  /** Hash of the previous record, or 64 zeros for the first. */
  prevHash: string;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

export function auditHash(record: Omit<AuditRecord, 'hash'>): string {
  const canonical = JSON.stringify([
    record.seq,
    record.at,
    record.actor,
    record.action,
    record.target,
    record.ip,
    record.outcome,
    Object.entries(record.detail).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    record.prevHash,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
