import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { summarizeProfile } from './cpu-profile.ts';

describe('summarizeProfile', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portcullis-cpu-profile-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('names the function that burned the CPU in a real node --cpu-prof profile', async () => {
    const script = 'function spinForBench() { const end = Date.now() + 400; let n = 0; while (Date.now() < end) n++; return n; } spinForBench();';
    const out = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '-e', script], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    const [file] = (await readdir(dir)).filter((name) => name.endsWith('.cpuprofile'));
    assert.ok(file !== undefined, 'node wrote no profile');
    const summary = await summarizeProfile(join(dir, file), '', 5);
    const top = summary.hot.find((hot) => hot.where.startsWith('spinForBench'));
    assert.ok(top !== undefined, `spinForBench not among ${summary.hot.map((hot) => hot.where).join(', ')}`);
    assert.ok(top.selfMs > 200 && top.share > 0.4, `spinForBench: ${top.selfMs} ms, ${top.share}`);
    assert.ok(summary.totalMs >= top.selfMs);
  });

  it('refuses truncated JSON and JSON that is not a profile', async () => {
    const cases: Array<[string, string, RegExp]> = [
      ['truncated', '{"nodes":[{"id":1,', /not JSON/],
      ['not a profile', '{"hello":1}', /not a V8 CPU profile/],
      ['null', 'null', /not a V8 CPU profile/],
      ['mismatched samples', '{"nodes":[],"samples":[1],"timeDeltas":[]}', /not a V8 CPU profile/],
      ['bad node', '{"nodes":[{"id":"x"}],"samples":[],"timeDeltas":[]}', /without id or call frame/],
    ];
    for (const [name, text, message] of cases) {
      const path = join(dir, `${name}.json`);
      await writeFile(path, text);
      await assert.rejects(summarizeProfile(path, ''), message, name);
    }
  });
});
