/**
 * Users and robot accounts (system administrators only), through the account functions of
 * src/auth that `portcullis admin user|robot` uses: the same validation, the same audit records.
 * Password hashes and robot secrets never leave the server; a robot's secret is answered once, on
 * creation.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type AuthStore, createRobot, createUser, deleteRobot, deleteUser, ROBOT_PREFIX, type RobotRecord, revokeRobot, updateUser, type UserRecord } from '../../../auth/index.ts';
import { ApiError, requireAdmin } from '../json-api.ts';
import { type ApiContext, actorOf, bodyFields, optionalBoolean, optionalString, param, requireAuth } from './context.ts';

function userView(user: UserRecord): Record<string, unknown> {
  return { name: user.name, admin: user.admin, disabled: user.disabled, createdAt: user.createdAt };
}

function robotView(robot: RobotRecord): Record<string, unknown> {
  return {
    name: robot.name,
    login: `${ROBOT_PREFIX}${robot.name}`,
    description: robot.description,
    scopes: robot.scopes,
    scanner: robot.scanner,
    createdAt: robot.createdAt,
    ...(robot.expiresAt !== undefined && { expiresAt: robot.expiresAt }),
    revoked: robot.revoked,
  };
}

/** Administration routes need both an auth store and a system administrator. */
async function adminStore(request: FastifyRequest, context: ApiContext): Promise<{ store: AuthStore; actor: { name: string; ip: string } }> {
  const store = requireAuth(context).store;
  const principal = await requireAdmin(request);
  return { store, actor: actorOf(request, principal) };
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = optionalString(body, key);
  if (value === undefined) throw new ApiError('INVALID_ARGUMENT', `${key} is required`);
  return value;
}

function parseRobotExpiry(value: string | undefined, now: number): Date | undefined {
  if (value === undefined) return undefined;
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(value) || Number.isNaN(date.getTime())) throw new ApiError('INVALID_ARGUMENT', 'expiresAt must be an ISO 8601 time with a zone');
  if (date.getTime() <= now) throw new ApiError('INVALID_ARGUMENT', 'expiresAt must lie in the future');
  return date;
}

export function registerAccountRoutes(scope: FastifyInstance, context: ApiContext): void {
  scope.get('/users', async (request) => {
    const { store } = await adminStore(request, context);
    return { users: store.listUsers().map(userView) };
  });

  scope.post('/users', async (request, reply) => {
    const { store, actor } = await adminStore(request, context);
    const body = bodyFields(request, ['name', 'password', 'admin']);
    const name = requiredString(body, 'name');
    if (store.getUser(name) !== undefined) throw new ApiError('ALREADY_EXISTS', `user ${JSON.stringify(name)} exists`);
    await createUser(store, actor, name, requiredString(body, 'password'), { admin: optionalBoolean(body, 'admin') ?? false });
    const created = store.getUser(name);
    if (created === undefined) throw new ApiError('INTERNAL', 'the user vanished after it was created');
    return reply.code(201).send(userView(created));
  });

  scope.patch('/users/:user', async (request) => {
    const { store, actor } = await adminStore(request, context);
    const name = param(request, 'user');
    const body = bodyFields(request, ['password', 'admin', 'disabled']);
    const password = optionalString(body, 'password');
    const admin = optionalBoolean(body, 'admin');
    const disabled = optionalBoolean(body, 'disabled');
    if (password === undefined && admin === undefined && disabled === undefined) throw new ApiError('INVALID_ARGUMENT', 'nothing to change: give password, admin or disabled');
    await updateUser(store, actor, name, { ...(password !== undefined && { password }), ...(admin !== undefined && { admin }), ...(disabled !== undefined && { disabled }) });
    const updated = store.getUser(name);
    if (updated === undefined) throw new ApiError('NOT_FOUND', `no user ${JSON.stringify(name.slice(0, 80))}`);
    return userView(updated);
  });

  scope.delete('/users/:user', async (request, reply) => {
    const { store, actor } = await adminStore(request, context);
    deleteUser(store, actor, param(request, 'user'));
    return reply.code(204).send();
  });

  scope.get('/robots', async (request) => {
    const { store } = await adminStore(request, context);
    return { robots: store.listRobots().map(robotView) };
  });

  scope.post('/robots', async (request, reply) => {
    const { store, actor } = await adminStore(request, context);
    const body = bodyFields(request, ['name', 'description', 'scopes', 'scanner', 'expiresAt']);
    const name = requiredString(body, 'name');
    if (store.getRobot(name) !== undefined) throw new ApiError('ALREADY_EXISTS', `robot ${JSON.stringify(name)} exists`);
    const description = optionalString(body, 'description');
    const expiresAt = parseRobotExpiry(optionalString(body, 'expiresAt'), context.now());
    const scanner = optionalBoolean(body, 'scanner') ?? false;
    const scopes = body.scopes ?? [];
    if (!scanner && Array.isArray(scopes) && scopes.length === 0) throw new ApiError('INVALID_ARGUMENT', 'a robot needs at least one scope, or scanner: true');
    const { login, secret } = createRobot(store, actor, { name, scopes, scanner, ...(description !== undefined && { description }), ...(expiresAt !== undefined && { expiresAt }) });
    const robot = store.getRobot(name);
    if (robot === undefined) throw new ApiError('INTERNAL', 'the robot vanished after it was created');
    return reply.code(201).send({ ...robotView(robot), login, secret });
  });

  scope.post('/robots/:robot/revoke', async (request) => {
    const { store, actor } = await adminStore(request, context);
    const name = param(request, 'robot');
    revokeRobot(store, actor, name);
    const robot = store.getRobot(name);
    if (robot === undefined) throw new ApiError('NOT_FOUND', `no robot ${JSON.stringify(name.slice(0, 80))}`);
    return robotView(robot);
  });

  scope.delete('/robots/:robot', async (request, reply) => {
    const { store, actor } = await adminStore(request, context);
    deleteRobot(store, actor, param(request, 'robot'));
    return reply.code(204).send();
  });
}
