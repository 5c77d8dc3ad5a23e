/**
 * The floor of the manifest load: a bare `node:http` server in the benchmark's own process that
 * answers every request with the manifest bytes and headers a registry would send, and does nothing
 * else. Loaded the same way as the registries, it shows what this machine, its loopback and Node
 * itself cost at that concurrency, before any registry work (routing, lookups, auth) is added.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchRegistry } from './bench-registries.ts';
import { taggedManifestBytes } from './oci-layout.ts';

export async function startFloorServer(layout: { dir: string; tag: string }): Promise<BenchRegistry> {
  const manifest = await taggedManifestBytes(layout.dir, layout.tag);
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': manifest.mediaType, 'docker-content-digest': manifest.digest, 'content-length': manifest.bytes.length });
    response.end(manifest.bytes);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    name: 'node:http floor',
    host: `127.0.0.1:${port}`,
    pid: process.pid,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
