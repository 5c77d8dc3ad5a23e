/**
 * The floor of the manifest load: a bare `node:http` server, in its own process, that answers every
 * request with the manifest bytes and headers a registry would send, and does nothing else. Loaded
 * the same way as the registries, it shows what this machine, its loopback and Node itself cost at
 * that concurrency, before any registry work (routing, lookups, auth) is added. Its own process,
 * because the open-loop load generator runs in the benchmark's process and must not share its
 * event loop with a server it measures.
 *
 *   node bench/lib/floor-server.ts <oci-layout-dir> <tag>   # prints `ready <port>`
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchRegistry } from './bench-registries.ts';
import { taggedManifestBytes } from './oci-layout.ts';

async function serve(dir: string, tag: string): Promise<void> {
  const manifest = await taggedManifestBytes(dir, tag);
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': manifest.mediaType, 'docker-content-digest': manifest.digest, 'content-length': manifest.bytes.length });
    response.end(manifest.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`ready ${(server.address() as AddressInfo).port}\n`);
  process.once('SIGTERM', () => server.close(() => process.exit(0)));
}

export async function startFloorServer(layout: { dir: string; tag: string }): Promise<BenchRegistry> {
  const child = spawn(process.execPath, [import.meta.filename, layout.dir, layout.tag], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const ready = /^ready (\d+)$/m.exec(output);
      if (ready !== null) resolve(Number(ready[1]));
    });
    child.once('exit', (code) => reject(new Error(`the floor server exited with ${code}: ${output}`)));
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('the floor server has no PID');
  return {
    name: 'node:http floor',
    host: `127.0.0.1:${port}`,
    pid,
    stop: async () => {
      if (child.exitCode === null) process.kill(pid, 'SIGTERM');
      await exited;
    },
  };
}

if (import.meta.main) {
  const [dir, tag] = process.argv.slice(2);
  if (dir === undefined || tag === undefined) throw new Error('usage: floor-server.ts <oci-layout-dir> <tag>');
  await serve(dir, tag);
}
