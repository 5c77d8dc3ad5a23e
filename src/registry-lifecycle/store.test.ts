import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { lifecycleDbPath, openLifecycleStore } from './store.ts';

describe('lifecycle store', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'portcullis-lifecycle-store-'));
  });
  after(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores rules per project and sees another connection\'s changes at the next check', () => {
    const server = openLifecycleStore(dataDir);
    const admin = openLifecycleStore(dataDir);
    try {
      assert.equal(server.immutability().ruleFor('team/app', 'v1'), undefined);
      admin.setImmutabilityRules('team', [{ repositories: '**', tags: 'v*' }], 1);
      assert.equal(server.immutability().ruleFor('team/app', 'v1'), 'repositories "**" tags "v*"');
      admin.setImmutabilityRules('team', [], 2);
      assert.equal(server.immutability().ruleFor('team/app', 'v1'), undefined, 'an empty list removes the rules');
      server.setRetentionRules('team', [{ keep: 'latest', repositories: '**', count: 3 }], 3);
      assert.deepEqual(admin.retentionRules('team'), [{ keep: 'latest', repositories: '**', count: 3 }]);
      assert.deepEqual(admin.retentionProjects(), ['team']);
      assert.deepEqual(admin.retentionRules('other'), []);
    } finally {
      server.close();
      admin.close();
    }
  });

  it('refuses invalid rules on write and reports a tampered row clearly on read', () => {
    const store = openLifecycleStore(dataDir);
    try {
      assert.throws(() => store.setRetentionRules('team', [{ keep: 'latest', repositories: '**', count: 0 }], 1), (error: unknown) => error instanceof PortcullisError && error.code === 'INPUT');
      const raw = new DatabaseSync(lifecycleDbPath(dataDir));
      raw.prepare("INSERT OR REPLACE INTO immutability (project, rules, updated_at) VALUES ('evil', '[{\"repositories\":', 1)").run();
      raw.close();
      assert.throws(() => store.immutabilityRules('evil'), (error: unknown) => error instanceof PortcullisError && /rules of project "evil" are unreadable/.test(error.message));
      const forged = new DatabaseSync(lifecycleDbPath(dataDir));
      forged.prepare(`INSERT OR REPLACE INTO immutability (project, rules, updated_at) VALUES ('evil', '[{"repositories":"**","tags":"v[0-9]"}]', 1)`).run();
      forged.close();
      assert.throws(() => store.immutabilityRules('evil'), (error: unknown) => error instanceof PortcullisError && /invalid tag pattern/.test(error.message));
    } finally {
      store.close();
    }
  });

  it('knows whether a live server uses the directory', () => {
    const store = openLifecycleStore(dataDir);
    try {
      assert.equal(store.runningServer(), undefined);
      store.claimServer(process.pid, 1);
      assert.equal(store.runningServer(), undefined, 'the calling process itself does not count');
      store.claimServer(2 ** 22 + 12345, 1); // above Linux's pid_max: no such process
      assert.equal(store.runningServer(), undefined, 'a crashed server does not count');
      store.releaseServer(2 ** 22 + 12345);
    } finally {
      store.close();
    }
  });
});
