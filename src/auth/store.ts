/**
 * AuthStore: where users, robots, projects, memberships, the token signing key and the audit log
 * live. One role interface so that the registry's database (SQLite today, PostgreSQL later) can host
 * it; sqlite-store.ts is the embedded implementation. Methods are synchronous because node:sqlite is;
 * a networked implementation would wrap its calls behind the same shapes in a later revision.
 */
import type { AuditRecord } from './audit-record.ts';
import type { MemberRecord, ProjectRecord, ProjectRole, RobotRecord, UserRecord } from './types.ts';

/** The token signing key as stored: the private key is encrypted (see keys.ts). */
export interface StoredSigningKey {
  kid: string;
  createdAt: string;
  /** JSON of the encrypted private JWK: {salt, iv, tag, ciphertext}, all base64url. */
  encryptedPrivateKey: string;
  /** JSON of the public JWK. */
  publicJwk: string;
}

export interface AuthStore {
  /** Adds a user; CONFLICT-like INPUT error when the name is taken. */
  createUser(user: UserRecord): void;
  getUser(name: string): UserRecord | undefined;
  listUsers(): UserRecord[];
  /** Updates password hash, admin and disabled flags; false when no such user. */
  updateUser(user: UserRecord): boolean;
  /** Deletes the user and their memberships; false when no such user. */
  deleteUser(name: string): boolean;
  countUsers(): number;

  createRobot(robot: RobotRecord): void;
  getRobot(name: string): RobotRecord | undefined;
  listRobots(): RobotRecord[];
  /** Marks the robot revoked; false when no such robot. */
  revokeRobot(name: string): boolean;
  deleteRobot(name: string): boolean;

  /** Creates or replaces a project's settings. */
  putProject(project: ProjectRecord): void;
  getProject(name: string): ProjectRecord | undefined;
  listProjects(): ProjectRecord[];
  deleteProject(name: string): boolean;

  /** Sets (or replaces) a user's role in a project. */
  setMember(member: MemberRecord): void;
  removeMember(project: string, user: string): boolean;
  getRole(project: string, user: string): ProjectRole | undefined;
  listMembers(project: string): MemberRecord[];

  getSigningKey(): StoredSigningKey | undefined;
  /** Stores the first signing key; false when one already exists (another process won the race). */
  insertSigningKey(key: StoredSigningKey): boolean;

  /**
   * Appends one audit record atomically: `build` receives the current last record and returns the
   * next one, so the hash chain has no gaps under concurrent writers.
   */
  appendAudit(build: (previous: AuditRecord | undefined) => AuditRecord): AuditRecord;
  /** Records with seq > afterSeq, oldest first, at most `limit`. */
  readAudit(afterSeq: number, limit: number): AuditRecord[];
  /** Records matching every given filter, newest first, at most `limit` (the management API's view). */
  queryAudit(filter: AuditFilter): AuditRecord[];
}

/** A query of the audit log; absent fields do not filter. */
export interface AuditFilter {
  actor?: string;
  action?: string;
  /** ISO 8601 UTC instants as `toISOString()` writes them: records at or after `since`, before `until`. */
  since?: string;
  until?: string;
  /** Only records with a smaller seq (the next page of a newest-first listing). */
  beforeSeq?: number;
  limit: number;
}
