/**
 * Account and project administration over an AuthStore: users, robots, projects and memberships.
 * Every change is validated (names, scopes, CIDR blocks) and written to the audit log with the actor
 * who made it; secrets are returned to the caller once and stored only as hashes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PortcullisError } from '../core/index.ts';
import { appendAudit } from './audit.ts';
import { parseCidr } from './cidr.ts';
import { hashPassword } from './password.ts';
import { validateRepositoryPattern } from './repository-pattern.ts';
import type { AuthStore } from './store.ts';
import { ACTIONS, PROJECT_ROLES, type Action, type ProjectRecord, type ProjectRole, type RobotRecord, type RobotScope } from './types.ts';

/** Who makes a change, and from where, for the audit log. */
export interface Actor {
  name: string;
  ip: string;
}

const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$/;
const PROJECT_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const MAX_ROBOT_SCOPES = 64;
const MAX_ALLOWLIST = 256;

export function validateAccountName(name: string, what: string): void {
  if (typeof name !== 'string' || !ACCOUNT_NAME.test(name)) {
    throw new PortcullisError('INPUT', `invalid ${what} name ${JSON.stringify(String(name).slice(0, 80))}: letters, digits, '.', '_', '@', '-', at most 128`);
  }
}

export async function createUser(store: AuthStore, actor: Actor, name: string, password: string, options: { admin?: boolean } = {}): Promise<void> {
  validateAccountName(name, 'user');
  const admin = options.admin ?? false;
  store.createUser({ name, passwordHash: await hashPassword(password), admin, disabled: false, createdAt: new Date().toISOString() });
  appendAudit(store, { actor: actor.name, action: 'user.create', target: name, ip: actor.ip, outcome: 'ok', detail: { admin } });
}

/** Refuses a change that would leave no enabled system admin: nobody could manage the registry again. */
function keepAnAdmin(store: AuthStore, name: string): void {
  const others = store.listUsers().filter((user) => user.admin && !user.disabled && user.name !== name);
  if (others.length === 0) throw new PortcullisError('INPUT', `${JSON.stringify(name)} is the last enabled admin; make another admin first`);
}

export interface UserChange {
  password?: string;
  admin?: boolean;
  disabled?: boolean;
}

export async function updateUser(store: AuthStore, actor: Actor, name: string, change: UserChange): Promise<void> {
  const user = store.getUser(name);
  if (user === undefined) throw new PortcullisError('NOT_FOUND', `no user ${JSON.stringify(name)}`);
  const next = { ...user, admin: change.admin ?? user.admin, disabled: change.disabled ?? user.disabled };
  if (user.admin && !user.disabled && (!next.admin || next.disabled)) keepAnAdmin(store, name);
  const passwordHash = change.password === undefined ? user.passwordHash : await hashPassword(change.password);
  store.updateUser({ ...next, passwordHash });
  // Names the changed fields only: the detail guard refuses anything that could carry the password.
  const changed = (['password', 'admin', 'disabled'] as const).filter((field) => change[field] !== undefined).join(' ');
  appendAudit(store, { actor: actor.name, action: 'user.update', target: name, ip: actor.ip, outcome: 'ok', detail: { changed, admin: next.admin, disabled: next.disabled } });
}

export function deleteUser(store: AuthStore, actor: Actor, name: string): void {
  const user = store.getUser(name);
  if (user?.admin === true && !user.disabled) keepAnAdmin(store, name);
  if (!store.deleteUser(name)) throw new PortcullisError('NOT_FOUND', `no user ${JSON.stringify(name)}`);
  appendAudit(store, { actor: actor.name, action: 'user.delete', target: name, ip: actor.ip, outcome: 'ok' });
}

/** Robot scopes often arrive as JSON from the management API, so every field is checked. */
export function parseRobotScopes(scopes: unknown): RobotScope[] {
  if (!Array.isArray(scopes) || scopes.length > MAX_ROBOT_SCOPES) throw new PortcullisError('INPUT', `robot scopes must be a list of at most ${MAX_ROBOT_SCOPES}`);
  return scopes.map((scope: unknown) => {
    const { pattern, actions } = (typeof scope === 'object' && scope !== null ? scope : {}) as Record<string, unknown>;
    if (typeof pattern !== 'string') throw new PortcullisError('INPUT', 'robot scope has no repository pattern');
    validateRepositoryPattern(pattern);
    const known = Array.isArray(actions) ? [...new Set(actions)].filter((action): action is Action => ACTIONS.includes(action as Action)) : [];
    if (known.length === 0 || !Array.isArray(actions) || known.length !== new Set(actions).size) {
      throw new PortcullisError('INPUT', `robot scope ${JSON.stringify(pattern)} has no or unknown actions: expected ${ACTIONS.join(', ')}`);
    }
    return { pattern, actions: known };
  });
}

/** SHA-256 is enough for robot secrets: they are 256 random bits, so there is nothing to brute-force. */
export function hashRobotSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function robotSecretMatches(secret: string, robot: RobotRecord): boolean {
  const expected = Buffer.from(robot.secretHash, 'hex');
  const actual = createHash('sha256').update(secret).digest();
  // The stored length is not secret; the comparison of the bytes must take constant time.
  return expected.length === actual.length && timingSafeEqual(actual, expected);
}

export interface NewRobot {
  name: string;
  description?: string;
  scopes: unknown;
  scanner?: boolean;
  expiresAt?: Date;
}

/** Creates a robot; the returned secret is shown once and never stored in clear. */
export function createRobot(store: AuthStore, actor: Actor, robot: NewRobot): { login: string; secret: string } {
  validateAccountName(robot.name, 'robot');
  const scopes = parseRobotScopes(robot.scopes);
  if (robot.expiresAt !== undefined && Number.isNaN(robot.expiresAt.getTime())) throw new PortcullisError('INPUT', 'robot expiry is not a valid date');
  const secret = `pcr_${randomBytes(32).toString('base64url')}`;
  const scanner = robot.scanner ?? false;
  store.createRobot({
    name: robot.name,
    description: robot.description ?? '',
    scopes,
    scanner,
    secretHash: hashRobotSecret(secret),
    createdAt: new Date().toISOString(),
    ...(robot.expiresAt !== undefined && { expiresAt: robot.expiresAt.toISOString() }),
    revoked: false,
  });
  const detail = { scanner, scopes: scopes.map((scope) => `${scope.pattern}:${scope.actions.join(',')}`).join(' '), expiresAt: robot.expiresAt?.toISOString() ?? 'never' };
  appendAudit(store, { actor: actor.name, action: 'robot.create', target: robot.name, ip: actor.ip, outcome: 'ok', detail });
  return { login: `robot$${robot.name}`, secret };
}

export function revokeRobot(store: AuthStore, actor: Actor, name: string): void {
  if (!store.revokeRobot(name)) throw new PortcullisError('NOT_FOUND', `no robot ${JSON.stringify(name)}`);
  appendAudit(store, { actor: actor.name, action: 'robot.revoke', target: name, ip: actor.ip, outcome: 'ok' });
}

export function deleteRobot(store: AuthStore, actor: Actor, name: string): void {
  if (!store.deleteRobot(name)) throw new PortcullisError('NOT_FOUND', `no robot ${JSON.stringify(name)}`);
  appendAudit(store, { actor: actor.name, action: 'robot.delete', target: name, ip: actor.ip, outcome: 'ok' });
}

/** Creates or replaces a project's access settings; every CIDR block is checked first. */
export function putProject(store: AuthStore, actor: Actor, project: ProjectRecord): void {
  if (!PROJECT_NAME.test(project.name) || project.name.length > 255) throw new PortcullisError('INPUT', `invalid project name ${JSON.stringify(project.name.slice(0, 80))}`);
  if (project.ipAllowlist.length > MAX_ALLOWLIST) throw new PortcullisError('LIMIT', `IP allowlist has more than ${MAX_ALLOWLIST} entries`);
  project.ipAllowlist.forEach(parseCidr);
  store.putProject({ name: project.name, public: project.public, ipAllowlist: [...project.ipAllowlist] });
  const detail = { public: project.public, ipAllowlist: project.ipAllowlist.join(' ') };
  appendAudit(store, { actor: actor.name, action: 'project.change', target: project.name, ip: actor.ip, outcome: 'ok', detail });
}

export function setMember(store: AuthStore, actor: Actor, project: string, user: string, role: ProjectRole | undefined): void {
  if (role !== undefined && !PROJECT_ROLES.includes(role)) throw new PortcullisError('INPUT', `unknown role ${JSON.stringify(role)}: expected ${PROJECT_ROLES.join(', ')}`);
  if (store.getProject(project) === undefined) throw new PortcullisError('NOT_FOUND', `no project ${JSON.stringify(project)}`);
  if (role === undefined) store.removeMember(project, user);
  else store.setMember({ project, user, role });
  appendAudit(store, { actor: actor.name, action: 'member.change', target: `${project}/${user}`, ip: actor.ip, outcome: 'ok', detail: { role: role ?? 'none' } });
}
