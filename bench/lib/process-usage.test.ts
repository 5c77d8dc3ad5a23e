import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { cpuSecondsFromStat, listeningPid, peakRssMbFromStatus, processUsage } from './process-usage.ts';

describe('process usage from /proc', () => {
  it('sees this process spend CPU time and hold memory', () => {
    const before = processUsage(process.pid);
    // Spin for 0.3 s of CPU as Node itself counts it (wall time would depend on the machine's load).
    const start = process.cpuUsage();
    let spin = 0;
    while (process.cpuUsage(start).user < 300_000) spin++;
    const after = processUsage(process.pid);
    assert.ok(spin > 0);
    assert.ok(after.cpuSeconds - before.cpuSeconds >= 0.25, `only ${after.cpuSeconds - before.cpuSeconds} s counted for 0.3 s of spinning`);
    assert.ok(after.peakRssMb > 10 && after.peakRssMb >= before.peakRssMb);
  });

  it('reads utime and stime after a command name holding spaces and parentheses', () => {
    const real = readFileSync('/proc/self/stat', 'utf8');
    const renamed = real.replace(/\(.*\)/, '(a) (b c)');
    assert.equal(cpuSecondsFromStat(renamed), cpuSecondsFromStat(real));
  });

  it('refuses malformed or truncated stat and status text', () => {
    for (const text of ['', 'garbage', '1 (node) S 1 2 3', '\xff\xfe)']) assert.throws(() => cpuSecondsFromStat(text), /cannot read utime/, JSON.stringify(text));
    assert.throws(() => peakRssMbFromStatus('Name: node\nVmRSS: 10 kB\n'), /no VmHWM/);
    assert.equal(peakRssMbFromStatus('VmHWM:\t    2048 kB\n'), 2);
  });

  it('finds the process listening on a port', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      assert.ok(typeof address === 'object' && address !== null);
      assert.equal(listeningPid(address.port), process.pid);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    assert.throws(() => listeningPid(1), /no process listens on port 1/);
  });
});
