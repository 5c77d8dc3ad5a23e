/**
 * The access-control model: who a request comes from (Principal), what it may do to a repository
 * (Action), and the records the auth store keeps (users, robots, projects, memberships).
 *
 * A project is the first path segment of a repository name ("team" for "team/app/api"); roles are
 * granted per project. Robots are not project members: their reach is the repository patterns in
 * their scopes, or everything read-only when they hold the `scanner` role.
 */

/** Repository actions as the distribution token spec names them; `*` is every action. */
export type Action = 'pull' | 'push' | 'delete' | '*';
export const ACTIONS: readonly Action[] = ['pull', 'push', 'delete', '*'];

/** Project roles, strongest first. */
export type ProjectRole = 'admin' | 'maintainer' | 'developer' | 'guest';
export const PROJECT_ROLES: readonly ProjectRole[] = ['admin', 'maintainer', 'developer', 'guest'];

/** One entry of a token's `access` claim (distribution's token spec, "Requesting a Token"). */
export interface AccessEntry {
  /** "repository" or "registry" (for `registry:catalog:*`). */
  type: string;
  name: string;
  actions: string[];
}

/** One grant of a robot: repositories matching `pattern` (`*` within a segment, `**` across) get `actions`. */
export interface RobotScope {
  pattern: string;
  actions: Action[];
}

export type Principal =
  | { kind: 'anonymous'; limitTo?: AccessEntry[] }
  | { kind: 'user'; name: string; admin: boolean; limitTo?: AccessEntry[] }
  | { kind: 'robot'; name: string; scopes: RobotScope[]; scanner: boolean; limitTo?: AccessEntry[] };
// `limitTo` is set when the principal came with a bearer token: its actions never exceed the token's.

export interface UserRecord {
  name: string;
  /** `scrypt$N$r$p$salt$hash` (see password.ts). */
  passwordHash: string;
  admin: boolean;
  disabled: boolean;
  createdAt: string;
}

export interface RobotRecord {
  /** Name without the `robot$` login prefix. */
  name: string;
  description: string;
  scopes: RobotScope[];
  scanner: boolean;
  /** SHA-256 of the secret, hex (see robots.ts for why a fast hash is enough). */
  secretHash: string;
  createdAt: string;
  /** ISO time after which the secret is refused; undefined for never. */
  expiresAt?: string;
  revoked: boolean;
}

export interface ProjectRecord {
  name: string;
  /** Anonymous and non-member principals may pull. */
  public: boolean;
  /** CIDR blocks ("10.0.0.0/8", "2001:db8::/32"); empty for no restriction. */
  ipAllowlist: string[];
}

export interface MemberRecord {
  project: string;
  user: string;
  role: ProjectRole;
}

/** The question the registry routes ask for every request. */
export interface AccessRequest {
  repository: string;
  actions: readonly string[];
  /** Client address as the server saw it; undefined when unknown (fails any allowlist). */
  ip?: string;
}

/** Login name prefix that marks a robot account in basic auth and token subjects. */
export const ROBOT_PREFIX = 'robot$';
