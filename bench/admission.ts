/**
 * `npm run bench:admission`: latency and throughput of POST /admission/validate over HTTPS at a
 * fixed arrival rate (autocannon's overallRate: an open-ish load that does not slow down when the
 * server does), 500 and 2,000 requests/s, for
 *
 *   cached  reviews of 50 images decided once beforehand (the steady state of a cluster)
 *   cold    reviews cycling through 2,000 images with the decision cache off: every request reads
 *           the manifest, looks for signatures and attestations, reads labels and evaluates
 *
 *   floor   a bare node:https server with a fixed answer under the same load: the machine's limit
 *
 * Goal: p99 < 5 ms cached, < 50 ms cold. The server runs in its own process (bench/lib/admission-server.ts).
 *
 *   npm run bench:admission
 *   npm run bench:admission -- --seconds 20
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' } } });
const SECONDS = Number(values.seconds);
if (!Number.isInteger(SECONDS) || SECONDS < 1) throw new Error(`--seconds must be a positive integer, not ${values.seconds}`);
const RATES = [500, 2000];
const REGISTRY_HOST = 'registry.bench.test';
const SERVER = new URL('lib/admission-server.ts', import.meta.url).pathname;
const FLOOR_SERVER = new URL('lib/https-floor-server.ts', import.meta.url).pathname;

interface Server {
  url: string;
  child: ChildProcess;
}

async function startServer(args: readonly string[]): Promise<Server> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /^ready (\S+) /m.exec(output);
      if (ready?.[1] !== undefined) resolve({ url: ready[1], child });
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

function review(index: number): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `bench-${index}`,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      operation: 'CREATE',
      namespace: 'prod',
      name: 'app',
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'app', namespace: 'prod' }, spec: { containers: [{ name: 'app', image: `${REGISTRY_HOST}/bench/app${index}:1.0` }] } },
    },
  });
}

interface Figures {
  label: string;
  rate: number;
  achieved: number;
  p50: number;
  p99: number;
  errors: number;
}

async function load(url: string, rate: number, seconds: number, images: number): Promise<autocannon.Result> {
  let next = 0;
  return autocannon({
    url: `${url}/validate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: 32,
    overallRate: rate,
    duration: seconds,
    requests: [{ setupRequest: (request) => ({ ...request, body: review(next++ % images) }) }],
  });
}

async function measure(label: string, images: number, args: readonly string[]): Promise<Figures[]> {
  const server = await startServer(args);
  try {
    await load(server.url, 500, 2, images);
    const figures: Figures[] = [];
    for (const rate of RATES) {
      const result = await load(server.url, rate, SECONDS, images);
      figures.push({ label, rate, achieved: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.timeouts + result.non2xx });
    }
    return figures;
  } finally {
    await stopServer(server);
  }
}

const webhook = (images: number, cache: 'on' | 'off') => [SERVER, '--images', String(images), '--cache', cache];
const results = [...(await measure('cached', 50, webhook(50, 'on'))), ...(await measure('cold', 2000, webhook(2000, 'off'))), ...(await measure('floor', 50, [FLOOR_SERVER]))];
process.stdout.write(`POST /admission/validate over HTTPS, ${SECONDS} s per run (autocannon, 32 connections)\n\n`);
process.stdout.write('decisions  target/s  achieved/s    p50 ms    p99 ms  errors  goal\n');
for (const row of results) {
  const goal = row.label === 'cached' ? 5 : 50;
  const verdict = row.label === 'floor' ? 'bare node:https, fixed answer' : `p99 < ${goal} ms: ${row.p99 < goal && row.errors === 0 ? 'met' : 'NOT met'}`;
  process.stdout.write(
    `${row.label.padEnd(9)}  ${String(row.rate).padStart(8)}  ${row.achieved.toFixed(0).padStart(10)}  ${row.p50.toFixed(2).padStart(8)}  ${row.p99.toFixed(2).padStart(8)}  ${String(row.errors).padStart(6)}  ${verdict}\n`,
  );
}
process.stdout.write(`
Peer: no Kyverno runs here. Kyverno's published load tests ("Scaling Kyverno",
https://kyverno.io/docs/installation/scaling/) are measured in a cluster through the API server with
k6, so they include API-server round trips and policy sets unlike this one; compare orders of
magnitude only, never these rows one to one.
`);
