/**
 * `portcullis admin` run as users run it (bin/portcullis.js) on a data directory whose auth database
 * was made the way `serve` makes it on first start; results read back through the auth store.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureInitialAdmin, openSqliteAuthStore, verifyAuditChain } from '../../auth/index.ts';
import { PortcullisError } from '../../core/index.ts';
import { parseExpiry, parseRobotScopeOption } from './admin-options.ts';
import { authDbPath } from './serve-access.ts';

const CLI = new URL('../../../bin/portcullis.js', import.meta.url).pathname;

describe('portcullis admin', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-admin-'));
    const { store, close } = openSqliteAuthStore(authDbPath(dataDir));
    await ensureInitialAdmin(store, { PORTCULLIS_ADMIN_PASSWORD: 'first-admin-password' });
    close();
  });
  after(async () => rm(dataDir, { recursive: true, force: true }));

  const admin = (args: string[], input?: string) => spawnSync(process.execPath, [CLI, 'admin', '--data', dataDir, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  const withStore = <T>(read: (store: ReturnType<typeof openSqliteAuthStore>['store']) => T): T => {
    const { store, close } = openSqliteAuthStore(authDbPath(dataDir));
    try {
      return read(store);
    } finally {
      close();
    }
  };

  it('adds users, sets roles and projects, and audits each change with the local actor', () => {
    const added = admin(['user', 'add', 'erin', '--password-stdin'], 'erin-password-1\n');
    assert.equal(added.status, 0, added.stderr);
    assert.equal(admin(['project', 'put', 'team', '--allow', '10.0.0.0/8']).status, 0);
    assert.equal(admin(['project', 'member', 'team', 'erin', 'maintainer']).status, 0);
    withStore((store) => {
      assert.equal(store.getRole('team', 'erin'), 'maintainer');
      assert.deepEqual(store.getProject('team'), { name: 'team', public: false, ipAllowlist: ['10.0.0.0/8'] });
      const changes = store.readAudit(0, 1000).filter((record) => record.actor.startsWith('cli:'));
      assert.deepEqual(changes.map((record) => record.action), ['user.create', 'project.change', 'member.change']);
      assert.equal(verifyAuditChain(store).ok, true);
    });
    const list = admin(['user', 'list']);
    assert.match(list.stdout, /^admin\tadmin\tenabled/m);
    assert.match(list.stdout, /^erin\t-\tenabled/m);
    assert.doesNotMatch(list.stdout + JSON.stringify(withStore((store) => store.readAudit(0, 1000))), /erin-password-1/);
  });

  it('prints a generated password once and changes it with passwd', () => {
    const passwd = admin(['user', 'passwd', 'erin']);
    assert.equal(passwd.status, 0, passwd.stderr);
    const password = /new password for erin: (\S+)/.exec(passwd.stdout)?.[1] ?? '';
    assert.ok(password.length >= 20, passwd.stdout);
    const hash = withStore((store) => store.getUser('erin')?.passwordHash ?? '');
    assert.match(hash, /^scrypt\$/);
    assert.ok(!hash.includes(password));
  });

  it('creates, lists and revokes robots', () => {
    const made = admin(['robot', 'add', 'ci', '--scope', 'team/**:pull,push', '--expires', '2030-01-01T00:00:00Z', '--description', 'CI pipeline']);
    assert.equal(made.status, 0, made.stderr);
    assert.match(made.stdout, /^login: {2}robot\$ci$/m);
    assert.match(made.stdout, /^secret: pcr_[A-Za-z0-9_-]{43}$/m);
    assert.equal(admin(['robot', 'revoke', 'ci']).status, 0);
    assert.match(admin(['robot', 'list']).stdout, /^robot\$ci\tteam\/\*\*:pull,push\t-\t2030-01-01T00:00:00.000Z\trevoked$/m);
  });

  it('refuses bad input with a message and exit code 2, changing nothing', () => {
    const cases: Array<[string[], RegExp]> = [
      [['user', 'delete', 'admin'], /last enabled admin/],
      [['user', 'add', 'bad name'], /invalid user name/],
      [['user', 'add', 'robot$x'], /invalid user name/],
      [['project', 'member', 'team', 'erin', 'owner'], /role must be one of/],
      [['project', 'member', 'team', 'ghost', 'guest'], /no user "ghost"/],
      [['project', 'member', 'nope', 'erin', 'guest'], /no project "nope"/],
      [['project', 'put', 'Team'], /invalid project name/],
      [['project', 'put', 'ops', '--allow', '10.0.0.0/33'], /10\.0\.0\.0\/33/],
      [['robot', 'add', 'r1', '--scope', 'team/app'], /PATTERN:ACTIONS/],
      [['robot', 'add', 'r2', '--scope', 'team/app:fly'], /unknown actions/],
      [['robot', 'add', 'r4'], /at least one --scope/],
      [['robot', 'add', 'r5', '--scope', 'a:pull', '--expires', 'tomorrow'], /--expires takes/],
      [['robot', 'revoke', 'ghost'], /no robot "ghost"/],
      [['group', 'x'], /admin takes user, robot, project, exception or label/],
      [['user', 'list', 'extra'], /usage: portcullis admin user list/],
    ];
    const before = withStore((store) => store.readAudit(0, 100_000).length);
    for (const [args, message] of cases) {
      const result = admin(args);
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, message, args.join(' '));
    }
    assert.equal(withStore((store) => store.readAudit(0, 100_000).length), before, 'no refused change reached the audit log');
    assert.equal(withStore((store) => store.getProject('ops')), undefined);
  });

  it('refuses a data directory that serve never started in, rather than creating a database without an admin', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'portcullis-admin-empty-'));
    try {
      const result = spawnSync(process.execPath, [CLI, 'admin', '--data', empty, 'user', 'list'], { encoding: 'utf8' });
      assert.equal(result.status, 2);
      assert.match(result.stderr, /no auth database .*start portcullis serve/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});

describe('admin option parsers', () => {
  it('reads PATTERN:ACTIONS scopes, splitting at the last colon', () => {
    assert.deepEqual(parseRobotScopeOption('team/**:pull,push'), { pattern: 'team/**', actions: ['pull', 'push'] });
    for (const bad of ['', ':pull', 'team/app:', 'team/app']) {
      assert.throws(() => parseRobotScopeOption(bad), (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE', bad);
    }
  });

  it('reads expiries as ISO times with a zone or durations from now', () => {
    const now = new Date('2026-01-01T00:00:00Z');
    assert.equal(parseExpiry('30d', now).toISOString(), '2026-01-31T00:00:00.000Z');
    assert.equal(parseExpiry('90m', now).toISOString(), '2026-01-01T01:30:00.000Z');
    assert.equal(parseExpiry('2027-02-03T04:05:06+02:00', now).toISOString(), '2027-02-03T02:05:06.000Z');
    for (const bad of ['', '30', '1y', '2027-02-03', '2027-02-30T00:00:00Z', '2027-13-01T00:00:00Z', '9999999d', '３0d']) {
      assert.throws(() => parseExpiry(bad, now), (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE', bad);
    }
  });
});
