/**
 * `npm run bench:admission`: latency and throughput of POST /admission/validate over HTTPS under an
 * open-loop load (bench/lib/open-loop.ts: requests evenly spaced at 500 and 2,000 per second over
 * 32 keep-alive connections, whatever the server does), for
 *
 *   cached  reviews of 50 images decided once beforehand (the steady state of a cluster)
 *   cold    reviews cycling through 2,000 images with the decision cache off: every request resolves
 *           the tag, reads the manifest, looks for signatures and attestations, reads labels and
 *           evaluates the policy
 *   floor   a bare node:https server with a fixed answer under the same load: what this machine, TLS
 *           and the load generator allow; no webhook can be faster here
 *
 * The three servers run side by side in their own processes and the rows are measured in
 * alternation, round after round, so that a noisy moment of the machine falls on all of them; the
 * figures printed are the medians over the rounds, with each round's p99 beside them.
 * Goal: p99 < 5 ms cached, < 50 ms cold.
 *
 *   npm run bench:admission
 *   npm run bench:admission -- --seconds 10 --rounds 5
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { openLoop, type OpenLoopResult } from './lib/open-loop.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, rounds: { type: 'string', default: '3' } } });
const positive = (name: string, text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, not ${text}`);
  return n;
};
const SECONDS = positive('seconds', values.seconds);
const ROUNDS = positive('rounds', values.rounds);
const RATES = [500, 2000];
const CONNECTIONS = 32;
const WARMUP_SECONDS = 2;
const REGISTRY_HOST = 'registry.bench.test';
const SERVER = new URL('lib/admission-server.ts', import.meta.url).pathname;
const FLOOR_SERVER = new URL('lib/https-floor-server.ts', import.meta.url).pathname;

interface Server {
  url: string;
  ca: string;
  child: ChildProcess;
}

interface Subject {
  label: 'cached' | 'cold' | 'floor';
  images: number;
  args: readonly string[];
  goalMs?: number;
}

const SUBJECTS: Subject[] = [
  { label: 'cached', images: 50, args: [SERVER, '--images', '50', '--cache', 'on'], goalMs: 5 },
  { label: 'cold', images: 2000, args: [SERVER, '--images', '2000', '--cache', 'off'], goalMs: 50 },
  { label: 'floor', images: 50, args: [FLOOR_SERVER] },
];

async function startServer(args: readonly string[]): Promise<Server> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /^ready (\S+) (\S+)$/m.exec(output);
      if (ready?.[1] !== undefined && ready[2] !== undefined) resolve({ url: ready[1], ca: Buffer.from(ready[2], 'base64').toString('utf8'), child });
    });
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}: ${output}`)));
  });
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.pid === undefined || server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  process.kill(server.child.pid, 'SIGTERM');
  await exited;
}

function review(index: number, images: number): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `bench-${index}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      operation: 'CREATE',
      namespace: 'prod',
      name: 'app',
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'app', namespace: 'prod' },
        spec: { containers: [{ name: 'app', image: `${REGISTRY_HOST}/bench/app${index % images}:1.0` }] },
      },
    },
  });
}

function load(server: Server, subject: Subject, rate: number): Promise<OpenLoopResult> {
  return openLoop({
    url: `${server.url}/validate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: (index) => review(index, subject.images),
    ratePerSecond: rate,
    seconds: SECONDS,
    warmupSeconds: WARMUP_SECONDS,
    connections: CONNECTIONS,
    ca: server.ca,
  });
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const servers = await Promise.all(SUBJECTS.map((subject) => startServer(subject.args)));
const results = new Map<string, OpenLoopResult[]>();
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const rate of RATES) {
      for (const [index, subject] of SUBJECTS.entries()) {
        const key = `${subject.label} ${rate}`;
        results.set(key, [...(results.get(key) ?? []), await load(servers[index]!, subject, rate)]);
      }
    }
  }
} finally {
  await Promise.all(servers.map(stopServer));
}

const fixed = (n: number, digits = 2): string => n.toFixed(digits);
process.stdout.write(
  `POST /admission/validate over HTTPS: open-loop load, ${CONNECTIONS} connections, ${SECONDS} s per row after ${WARMUP_SECONDS} s of warm-up; medians of ${ROUNDS} rounds\n\n`,
);
process.stdout.write('decisions  target/s  achieved/s  p50 ms  p99 ms  floor p99 ms  p99 ratio  p99 of each round  errors  goal\n');
for (const rate of RATES) {
  const floorP99 = median((results.get(`floor ${rate}`) ?? []).map((run) => run.p99Ms));
  for (const subject of SUBJECTS) {
    const runs = results.get(`${subject.label} ${rate}`) ?? [];
    const p99 = median(runs.map((run) => run.p99Ms));
    const errors = runs.reduce((sum, run) => sum + run.errors + (run.sent - run.completed), 0);
    const verdict = subject.goalMs === undefined ? 'bare node:https, fixed answer' : `p99 < ${subject.goalMs} ms: ${p99 < subject.goalMs && errors === 0 ? 'met' : 'NOT met'}`;
    process.stdout.write(
      [
        subject.label.padEnd(9),
        String(rate).padStart(8),
        fixed(median(runs.map((run) => run.achievedPerSecond)), 0).padStart(10),
        fixed(median(runs.map((run) => run.p50Ms))).padStart(6),
        fixed(p99).padStart(6),
        fixed(floorP99).padStart(12),
        `${fixed(p99 / floorP99)}x`.padStart(9),
        runs.map((run) => fixed(run.p99Ms, 1)).join(' / ').padStart(17),
        String(errors).padStart(6),
        verdict,
      ].join('  ') + '\n',
    );
  }
}
process.stdout.write(`
"p99 ratio" is the row's p99 over the floor's at the same rate: 1.00x is as fast as a server that
does nothing. The generator kept to its schedule within ${fixed(Math.max(...[...results.values()].flat().map((run) => run.lateP99Ms)))} ms (p99 of its lateness, worst row).

Peer: no Kyverno runs here. Kyverno's published load tests ("Scaling Kyverno",
https://kyverno.io/docs/installation/scaling/) are measured in a cluster through the API server with
k6, so they include API-server round trips and policy sets unlike this one; compare orders of
magnitude only, never these rows one to one.
`);
