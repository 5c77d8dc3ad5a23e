import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { smallImageLayout } from '../../test/helpers/registry.ts';
import { startFloorServer } from './floor-server.ts';
import { taggedManifestBytes } from './oci-layout.ts';

describe('startFloorServer', () => {
  it('answers any path with the tagged manifest, its digest and media type, until stopped', async () => {
    const layout = { dir: await smallImageLayout(), tag: 'amd64' };
    const manifest = await taggedManifestBytes(layout.dir, layout.tag);
    const floor = await startFloorServer(layout);
    try {
      assert.notEqual(floor.pid, process.pid, 'the floor runs in its own process');
      const response = await fetch(`http://${floor.host}/v2/any/manifests/thing`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('docker-content-digest'), manifest.digest);
      assert.equal(response.headers.get('content-type'), manifest.mediaType);
      assert.deepEqual(Buffer.from(await response.arrayBuffer()), manifest.bytes);
    } finally {
      await floor.stop();
    }
    await assert.rejects(fetch(`http://${floor.host}/v2/`), /fetch failed/);
  });
});
