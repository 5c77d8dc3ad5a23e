/**
 * `portcullis admin project gate|gates`, `exception` and `label`, run as users run them
 * (bin/portcullis.js) on a data directory prepared the way `serve` prepares it; results read back
 * through the policy store and the audit log.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureInitialAdmin, openSqliteAuthStore, putProject } from '../../auth/index.ts';
import { openPolicyStore } from '../../registry-policy/index.ts';
import { authDbPath } from './serve-access.ts';

const CLI = new URL('../../../bin/portcullis.js', import.meta.url).pathname;
const DIGEST = `sha256:${'12'.repeat(32)}`;

describe('portcullis admin: pull gates, exceptions and labels', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-admin-policy-'));
    const { store, close } = openSqliteAuthStore(authDbPath(dataDir));
    await ensureInitialAdmin(store, { PORTCULLIS_ADMIN_PASSWORD: 'first-admin-password' });
    putProject(store, { name: 'test', ip: '' }, { name: 'team', public: false, ipAllowlist: [] });
    close();
  });
  after(async () => rm(dataDir, { recursive: true, force: true }));

  const admin = (args: string[]) => spawnSync(process.execPath, [CLI, 'admin', '--data', dataDir, ...args], { encoding: 'utf8', timeout: 60_000 });
  const withPolicy = <T>(read: (store: ReturnType<typeof openPolicyStore>) => T): T => {
    const store = openPolicyStore(dataDir);
    try {
      return read(store);
    } finally {
      store.close();
    }
  };

  it('sets, lists and removes a project gate, and audits each change', () => {
    const set = admin(['project', 'gate', 'team', '--min-severity', 'high', '--block-unscanned', '--grace', 'HIGH=7', '--grace', 'CRITICAL=1']);
    assert.equal(set.status, 0, set.stderr);
    assert.equal(set.stdout, 'team\tHIGH\tblock-unscanned\tgrace HIGH=7d,CRITICAL=1d\n');
    assert.deepEqual(withPolicy((store) => store.gate('team')), { project: 'team', minSeverity: 'HIGH', blockUnscanned: true, graceDays: { HIGH: 7, CRITICAL: 1 } });
    assert.equal(admin(['project', 'gates']).stdout, 'team\tHIGH\tblock-unscanned\tgrace HIGH=7d,CRITICAL=1d\n');
    assert.equal(admin(['project', 'gate', 'team', '--off']).status, 0);
    assert.equal(withPolicy((store) => store.gate('team')), undefined);
    const { store, close } = openSqliteAuthStore(authDbPath(dataDir));
    try {
      const changes = store.readAudit(0, 1000).filter((record) => record.action === 'policy.change');
      assert.deepEqual(changes.map((record) => [record.target, record.detail.gate]), [['team', 'team HIGH block-unscanned grace HIGH=7d,CRITICAL=1d'], ['team', 'off']]);
    } finally {
      close();
    }
  });

  it('adds, lists and deletes exceptions', () => {
    const added = admin(['exception', 'add', 'cve-2024-37890', '--repository', 'team/app', '--reason', 'internal clients only', '--owner', 'team-a', '--expires', '30d']);
    assert.equal(added.status, 0, added.stderr);
    const id = /^exception (\d+): CVE-2024-37890 repository team\/app team-a /.exec(added.stdout)?.[1];
    assert.ok(id, added.stdout);
    assert.match(admin(['exception', 'list']).stdout, new RegExp(`^${id}\\tCVE-2024-37890\\trepository team/app\\tteam-a\\t\\S+Z\\tactive\\tinternal clients only$`, 'm'));
    assert.equal(admin(['exception', 'delete', id]).status, 0);
    assert.equal(admin(['exception', 'list', '--all']).stdout, '');
    assert.notEqual(admin(['exception', 'delete', id]).status, 0);
  });

  it('sets and lists labels of an artifact', () => {
    const set = admin(['label', 'set', DIGEST, 'deprecated=true', 'team=payments', 'purpose=api']);
    assert.equal(set.status, 0, set.stderr);
    assert.equal(admin(['label', 'set', DIGEST, 'deprecated=', 'production-ready=yes']).status, 0);
    assert.equal(admin(['label', 'list', DIGEST]).stdout, 'production-ready=yes\npurpose=api\nteam=payments\n');
  });

  it('refuses bad severities, dates, huge reasons and other hostile input with exit code 2, changing nothing', () => {
    const cases: Array<[string[], RegExp]> = [
      [['project', 'gate', 'team', '--min-severity', 'SEVERE'], /--min-severity must be one of/],
      [['project', 'gate', 'team', '--grace', 'HIGH=forever', '--block-unscanned'], /whole number/],
      [['project', 'gate', 'team'], /needs --min-severity/],
      [['project', 'gate', 'nobody', '--block-unscanned'], /no project "nobody"/],
      [['exception', 'add', 'CVE-2024-1', '--repository', 'team/app', '--reason', 'r', '--owner', 'o', '--expires', '2026-02-30T00:00:00Z'], /expiry takes/],
      [['exception', 'add', 'CVE-2024-1', '--repository', 'team/app', '--reason', 'r', '--owner', 'o', '--expires', '2001-01-01T00:00:00Z'], /not in the future/],
      [['exception', 'add', 'CVE-2024-1', '--repository', 'team/app', '--reason', 'x'.repeat(5000), '--owner', 'o', '--expires', '1d'], /reason is longer than 1000/],
      [['exception', 'add', 'CVE-2024-1', '--repository', 'team/app', '--digest', DIGEST, '--reason', 'r', '--owner', 'o', '--expires', '1d'], /exactly one of/],
      [['exception', 'add', 'CVE-2024-1', '--repository', 'team/app', '--owner', 'o', '--expires', '1d'], /reason is required/],
      [['exception', 'delete', '1; DROP TABLE exceptions'], /numeric id/],
      [['label', 'set', DIGEST, 'Bad Key=x'], /invalid label key/],
      [['label', 'set', 'sha256:nope', 'team=x'], /invalid image digest/],
    ];
    for (const [args, pattern] of cases) {
      const result = admin(args);
      assert.equal(result.status, 2, `${args.join(' ').slice(0, 80)}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
    }
    assert.deepEqual(withPolicy((store) => [store.gates(), store.exceptions({ now: 0, includeExpired: true })]), [[], []]);
  });
});
