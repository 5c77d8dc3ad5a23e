/**
 * What a server process spent, read from Linux's /proc: CPU seconds (user + system) and peak
 * resident memory. The benchmark samples it before and after each step, so the server's own cost
 * of a push stands beside the client's wall time, taken the same way for both registries.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessUsage {
  cpuSeconds: number;
  peakRssMb: number;
}

/** Clock ticks per second, the unit of utime/stime in /proc/PID/stat. */
function clockTicks(): number {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const ticks = Number(out.stdout.trim());
  return out.status === 0 && ticks > 0 ? ticks : 100;
}
const TICKS = clockTicks();

/**
 * CPU seconds from the text of /proc/PID/stat. The command name (field 2) may hold spaces and
 * parentheses, so fields are counted after the last ')'; utime and stime are fields 14 and 15.
 */
export function cpuSecondsFromStat(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
  // fields[0] is field 3 (state): field N is fields[N - 3].
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (stat.lastIndexOf(')') < 0 || !Number.isInteger(utime) || !Number.isInteger(stime)) throw new Error(`/proc stat: cannot read utime/stime from ${JSON.stringify(stat.slice(0, 200))}`);
  return (utime + stime) / TICKS;
}

/** Peak resident set (VmHWM) in MB from the text of /proc/PID/status. */
export function peakRssMbFromStatus(status: string): number {
  const match = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  if (match === null) throw new Error('/proc status: no VmHWM line');
  return Number(match[1]) / 1024;
}

export function processUsage(pid: number): ProcessUsage {
  return {
    cpuSeconds: cpuSecondsFromStat(readFileSync(`/proc/${pid}/stat`, 'utf8')),
    peakRssMb: peakRssMbFromStatus(readFileSync(`/proc/${pid}/status`, 'utf8')),
  };
}

/** The PID of the process listening on 127.0.0.1:`port`, through iproute2's `ss`. */
export function listeningPid(port: number): number {
  const out = spawnSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  if (out.error !== undefined || out.status !== 0) throw new Error(`ss (iproute2) is needed to find the server's process: ${out.error?.message ?? out.stderr}`);
  const match = /pid=(\d+)/.exec(out.stdout);
  if (match === null) throw new Error(`no process listens on port ${port}: ${out.stdout}`);
  return Number(match[1]);
}
