/**
 * `portcullis admin`: manage users, robot accounts and projects of a registry by working on its data
 * directory's auth database directly (the server may be running: SQLite serialises the writes, and
 * the server reads accounts on every request, so changes apply at once). Every change is written to
 * the audit log with the local user as the actor.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { text } from 'node:stream/consumers';
import { type Actor, createRobot, createUser, deleteUser, generatePassword, openSqliteAuthStore, PROJECT_ROLES, putProject, revokeRobot, setMember, updateUser, type ProjectRole, type SqliteAuthStore } from '../../auth/index.ts';
import { PortcullisError } from '../../core/index.ts';
import { parseCommandLine, usageError } from '../args.ts';
import { parseRobotScopeOption, parseExpiry } from './admin-options.ts';
import { exceptionCommand, gateCommand, labelCommand, type PolicyContext } from './admin-policy.ts';
import { openPolicyStore } from '../../registry-policy/index.ts';
import { defaultDataDir } from './serve-location.ts';
import { authDbPath } from './serve-access.ts';

export const ADMIN_HELP = `Usage: portcullis admin COMMAND [options]

Manages who may push and pull on a registry, in its --data directory (docs/commands/admin.md).

Commands:
  user add NAME [--admin] [--password-stdin]   create a user (password generated and printed
                                               once unless read from stdin)
  user passwd NAME [--password-stdin]         set a new password (generated unless from stdin)
  user delete NAME                            delete a user and their memberships
  user list                                   users, admin flag, disabled flag
  robot add NAME --scope PATTERN:ACTIONS... [--scanner] [--expires WHEN] [--description TEXT]
                                              create a robot; prints its login and secret once
  robot revoke NAME                           refuse the robot's secret and tokens from now on
  robot list                                  robots, scopes, expiry, revoked flag
  project put NAME [--public] [--allow CIDR]...
                                              create or replace a project's settings
  project member PROJECT USER ROLE            give USER a role (${PROJECT_ROLES.join(', ')}) or
                                              "none" to remove it
  project gate PROJECT [--min-severity LEVEL] [--block-unscanned] [--grace LEVEL=DAYS]... | --off
                                              refuse pulls of images with findings at or above
                                              LEVEL, or not scanned yet (replaces the settings)
  project gates                               pull gates of every project
  exception add VULN (--digest D | --repository R) --reason TEXT --owner WHO --expires WHEN
                                              let images with finding VULN through the gates
  exception list [--all]                      exceptions in force (--all: expired ones too)
  exception delete ID                         remove an exception
  label set DIGEST KEY=VALUE...               label an artifact (KEY= removes a label)
  label list DIGEST                           an artifact's labels

Options:
      --data DIR          the registry's data directory (default as for portcullis serve)
      --scope P:A         robot scope: repository pattern (* within a segment, ** across) and
                          comma-separated actions (pull, push, delete, *); repeatable
      --expires WHEN      robot or exception expiry: an ISO 8601 time, or a duration like 30d or 12h
  -h, --help              this help`;

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  data: { type: 'string' },
  admin: { type: 'boolean' },
  'password-stdin': { type: 'boolean' },
  scope: { type: 'string', multiple: true },
  scanner: { type: 'boolean' },
  expires: { type: 'string' },
  description: { type: 'string' },
  public: { type: 'boolean' },
  allow: { type: 'string', multiple: true },
  'min-severity': { type: 'string' },
  'block-unscanned': { type: 'boolean' },
  grace: { type: 'string', multiple: true },
  off: { type: 'boolean' },
  digest: { type: 'string' },
  repository: { type: 'string' },
  reason: { type: 'string' },
  owner: { type: 'string' },
  all: { type: 'boolean' },
} as const;

type AdminValues = ReturnType<typeof parseCommandLine<typeof OPTIONS>>['values'];

interface Context {
  store: SqliteAuthStore;
  actor: Actor;
  values: AdminValues;
  args: string[];
}

function want(args: string[], count: number, usage: string): string[] {
  if (args.length !== count) throw usageError(`usage: portcullis admin ${usage}`);
  return args;
}

/** The password from stdin (first line) when asked, else a generated one that the caller prints. */
async function newPassword(values: AdminValues): Promise<{ password: string; generated: boolean }> {
  if (values['password-stdin'] !== true) return { password: generatePassword(), generated: true };
  const password = (await text(process.stdin)).split(/\r?\n/, 1)[0] ?? '';
  if (password === '') throw usageError('--password-stdin read an empty password');
  return { password, generated: false };
}

function print(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function userCommand({ store, actor, values, args }: Context): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const [name = ''] = want(rest, 1, 'user add NAME');
      const { password, generated } = await newPassword(values);
      await createUser(store, actor, name, password, { admin: values.admin === true });
      print(generated ? `created user ${name} with password ${password} (shown once)` : `created user ${name}`);
      return;
    }
    case 'passwd': {
      const [name = ''] = want(rest, 1, 'user passwd NAME');
      const { password, generated } = await newPassword(values);
      await updateUser(store, actor, name, { password });
      print(generated ? `new password for ${name}: ${password} (shown once)` : `password of ${name} changed`);
      return;
    }
    case 'delete': {
      const [name = ''] = want(rest, 1, 'user delete NAME');
      deleteUser(store, actor, name);
      print(`deleted user ${name}`);
      return;
    }
    case 'list':
      want(rest, 0, 'user list');
      for (const user of store.listUsers()) print([user.name, user.admin ? 'admin' : '-', user.disabled ? 'disabled' : 'enabled', user.createdAt].join('\t'));
      return;
    default:
      throw usageError(`admin user takes add, passwd, delete or list, got ${JSON.stringify(sub ?? '')}`);
  }
}

async function robotCommand({ store, actor, values, args }: Context): Promise<void> {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'add': {
      const [name = ''] = want(rest, 1, 'robot add NAME --scope PATTERN:ACTIONS');
      const scopes = (values.scope ?? []).map(parseRobotScopeOption);
      if (scopes.length === 0 && values.scanner !== true) throw usageError('robot add needs at least one --scope (or --scanner)');
      const expiresAt = values.expires === undefined ? undefined : parseExpiry(values.expires, new Date());
      const robot = createRobot(store, actor, {
        name,
        scopes,
        scanner: values.scanner === true,
        ...(values.description !== undefined && { description: values.description }),
        ...(expiresAt !== undefined && { expiresAt }),
      });
      print(`login:  ${robot.login}`);
      print(`secret: ${robot.secret}`);
      print('(the secret is shown once: store it now)');
      return;
    }
    case 'revoke': {
      const [name = ''] = want(rest, 1, 'robot revoke NAME');
      revokeRobot(store, actor, name);
      print(`revoked robot ${name}`);
      return;
    }
    case 'list':
      want(rest, 0, 'robot list');
      for (const robot of store.listRobots()) {
        const scopes = robot.scopes.map((scope) => `${scope.pattern}:${scope.actions.join(',')}`).join(' ');
        print([`robot$${robot.name}`, scopes || '-', robot.scanner ? 'scanner' : '-', robot.expiresAt ?? 'never', robot.revoked ? 'revoked' : 'active'].join('\t'));
      }
      return;
    default:
      throw usageError(`admin robot takes add, revoke or list, got ${JSON.stringify(sub ?? '')}`);
  }
}

function projectCommand({ store, actor, values, args }: Context): void {
  const [sub, ...rest] = args;
  switch (sub) {
    case 'put': {
      const [name = ''] = want(rest, 1, 'project put NAME [--public] [--allow CIDR]');
      putProject(store, actor, { name, public: values.public === true, ipAllowlist: values.allow ?? [] });
      print(`project ${name}: ${values.public === true ? 'public' : 'private'}${values.allow?.length ? `, allowed from ${values.allow.join(' ')}` : ''}`);
      return;
    }
    case 'member': {
      const [project = '', user = '', role = ''] = want(rest, 3, 'project member PROJECT USER ROLE|none');
      if (role !== 'none' && !PROJECT_ROLES.includes(role as ProjectRole)) throw usageError(`role must be one of ${PROJECT_ROLES.join(', ')} or none, got ${JSON.stringify(role)}`);
      if (role !== 'none' && store.getUser(user) === undefined) throw new PortcullisError('NOT_FOUND', `no user ${JSON.stringify(user)}`);
      setMember(store, actor, project, user, role === 'none' ? undefined : (role as ProjectRole));
      print(role === 'none' ? `${user} is no longer a member of ${project}` : `${user} is ${role} in ${project}`);
      return;
    }
    default:
      throw usageError(`admin project takes put, member, gate or gates, got ${JSON.stringify(sub ?? '')}`);
  }
}

/** Runs a feedback-loop command on the data directory's policy.db (next to auth.db). */
function policyCommand(context: Context & { dataDir: string }, run: (policy: PolicyContext) => void): void {
  const policy = openPolicyStore(context.dataDir);
  try {
    run({ policy, auth: context.store, actor: context.actor, values: context.values, args: context.args, now: Date.now() });
  } finally {
    policy.close();
  }
}

export async function adminCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(argv, OPTIONS);
  if (values.help === true || positionals.length === 0) {
    process.stdout.write(`${ADMIN_HELP}\n`);
    return values.help === true ? 0 : 2;
  }
  const dataDir = values.data ?? defaultDataDir();
  const path = authDbPath(dataDir);
  // Creating the database here would skip serve's first-start admin: refuse instead.
  if (!existsSync(path)) throw new PortcullisError('NOT_FOUND', `no auth database at ${path}: start portcullis serve with this --data once first`);
  const { store, close } = openSqliteAuthStore(path);
  const [group, ...args] = positionals;
  const context = { store, actor: { name: `cli:${userInfo().username}`, ip: '' }, values, args, dataDir };
  try {
    switch (group) {
      case 'user':
        await userCommand(context);
        break;
      case 'robot':
        await robotCommand(context);
        break;
      case 'project':
        if (args[0] === 'gate' || args[0] === 'gates') policyCommand(context, (policy) => gateCommand({ ...policy, args: args.slice(1) }, args[0] === 'gate' ? 'gate' : 'gates'));
        else projectCommand(context);
        break;
      case 'exception':
        policyCommand(context, exceptionCommand);
        break;
      case 'label':
        policyCommand(context, labelCommand);
        break;
      default:
        throw usageError(`admin takes user, robot, project, exception or label, got ${JSON.stringify(group ?? '')}`);
    }
  } finally {
    close();
  }
  return 0;
}
