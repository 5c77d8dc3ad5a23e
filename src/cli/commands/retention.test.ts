/** `portcullis retention` and `portcullis gc` as users run them, on a data directory made here. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openSqliteAuthStore } from '../../auth/index.ts';
import { openRegistry } from '../../registry/index.ts';
import { openLifecycleStore } from '../../registry-lifecycle/index.ts';
import { pushImage } from '../../registry/testing.ts';
import { runCli } from '../../../test/helpers/cli.ts';

const DAY = 24 * 60 * 60 * 1000;

describe('portcullis retention and gc', () => {
  let dataDir: string;
  let old: Awaited<ReturnType<typeof pushImage>>;
  let fresh: Awaited<ReturnType<typeof pushImage>>;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-retention-cli-'));
    const past = await openRegistry({ dataDir, now: () => Date.now() - 40 * DAY });
    old = await pushImage(past, 'team/app', 'old', 'old image');
    await past.close();
    const present = await openRegistry({ dataDir });
    fresh = await pushImage(present, 'team/app', 'new', 'new image');
    await present.close();
    const store = openLifecycleStore(dataDir);
    store.setRetentionRules('team', [{ keep: 'pushedWithin', repositories: '**', days: 7 }], Date.now());
    store.close();
    openSqliteAuthStore(join(dataDir, 'auth.db')).close();
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the rules, previews, then deletes what no rule keeps, and audits it', async () => {
    const shown = await runCli(['retention', 'show', '--data', dataDir, '--project', 'team']);
    assert.equal(shown.code, 0, shown.stderr);
    assert.deepEqual(JSON.parse(shown.stdout).retention, [{ keep: 'pushedWithin', repositories: '**', days: 7 }]);

    const dry = await runCli(['retention', 'run', '--data', dataDir, '--dry-run', '--format', 'json']);
    assert.equal(dry.code, 0, dry.stderr);
    const plan = JSON.parse(dry.stdout);
    assert.equal(plan.deleted, 1);
    assert.deepEqual(plan.projects[0].repositories[0].deleted.map((entry: { digest: string }) => entry.digest), [old.digest]);

    const real = await runCli(['retention', 'run', '--data', dataDir, '--project', 'team']);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, new RegExp(`delete\\t${old.digest}\\told\\tno keep rule matches`));
    assert.match(real.stdout, /1 artifacts deleted, 1 retained/);
    const registry = await openRegistry({ dataDir });
    try {
      await assert.rejects(registry.manifests.get('team/app', 'old'), /not found/);
      assert.equal((await registry.manifests.get('team/app', 'new')).digest, fresh.digest);
    } finally {
      await registry.close();
    }
    const auth = openSqliteAuthStore(join(dataDir, 'auth.db'));
    const audit = auth.store.readAudit(0, 100);
    auth.close();
    assert.ok(audit.some((record) => record.action === 'delete' && record.target === `team/app@${old.digest}` && record.actor.startsWith('cli:')));
  });

  it('collects the freed blobs, dry run first', async () => {
    const dry = await runCli(['gc', '--data', dataDir, '--dry-run', '--grace', '0s', '--format', 'json']);
    assert.equal(dry.code, 0, dry.stderr);
    const preview = JSON.parse(dry.stdout);
    assert.equal(preview.dryRun, true);
    assert.deepEqual([...preview.deleted].sort(), [old.config.digest, old.layer.digest].sort());
    const real = await runCli(['gc', '--data', dataDir, '--grace', '0s']);
    assert.equal(real.code, 0, real.stderr);
    assert.match(real.stdout, new RegExp(`2 blobs deleted, ${old.config.size + old.layer.size} bytes freed`));
    const again = await runCli(['gc', '--data', dataDir, '--grace', '0s', '--format', 'json']);
    assert.deepEqual(JSON.parse(again.stdout).deleted, []);
  });

  it('refuses to collect under a running server, bad options and missing directories', async () => {
    const store = openLifecycleStore(dataDir);
    store.claimServer(process.pid, Date.now());
    try {
      const refused = await runCli(['gc', '--data', dataDir]);
      assert.equal(refused.code, 2);
      assert.match(refused.stderr, new RegExp(`portcullis serve \\(pid ${process.pid}\\) uses this data directory`));
    } finally {
      store.releaseServer(process.pid);
      store.close();
    }
    for (const [args, message] of [
      [['gc', '--data', dataDir, '--grace', '10y'], /--grace takes a duration/],
      [['gc', '--data', dataDir, '--grace', '30d'], /--grace must be from 0s to 7d/],
      [['gc', '--data', join(dataDir, 'missing')], /no registry in/],
      [['retention', 'frob', '--data', dataDir], /unknown retention command/],
      [['retention', 'run', '--data', dataDir, '--project', '../etc'], /invalid project name/],
      [['retention', 'show', '--data', dataDir], /needs --project/],
    ] as const) {
      const result = await runCli([...args]);
      assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
    }
  });
});
