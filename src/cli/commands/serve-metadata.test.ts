/**
 * The metadata API in a real `portcullis serve` with access control: an image pushed with Debian's
 * skopeo is scanned, and its occurrences are read over /v1 by a Grafeas client; a lifecycle label
 * set through the management API is visible to Grafeas filters.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ServeProcess, TEST_ADMIN_PASSWORD } from '../../../test/helpers/portcullis-serve.ts';
import { pushToRegistry } from '../../../test/helpers/registry.ts';
import { PortcullisError } from '../../core/index.ts';
import { startServeWithVulnerableImage, waitFor } from '../../registry-scan/testing.ts';
import { GrafeasClient, ok } from '../../server/api/grafeas/testing/grafeas-client.ts';
import { MetadataService, openMetadataStore } from '../../metadata/index.ts';
import { metadataHost, recordAdmission } from './serve-metadata.ts';

describe('metadataHost', () => {
  it('takes --metadata-host, else --service, else the listen address', () => {
    assert.equal(metadataHost({ 'metadata-host': 'registry.example' }, { host: '127.0.0.1', port: 5000 }), 'registry.example');
    assert.equal(metadataHost({ service: 'registry.example:5443' }, { host: '0.0.0.0', port: 5000 }), 'registry.example:5443');
    assert.equal(metadataHost({}, { host: '::1', port: 5000 }), '[::1]:5000');
    assert.throws(() => metadataHost({ 'metadata-host': 'https://x/y' }, { host: '127.0.0.1', port: 5000 }), (error: unknown) => error instanceof PortcullisError && error.code === 'USAGE');
  });
});

describe('recordAdmission', () => {
  it('records admitted images of this registry as DEPLOYMENT occurrences and skips others', () => {
    const store = openMetadataStore(':memory:');
    const service = new MetadataService({ store, host: 'registry.test:5000' });
    const digest = `sha256:${'ef'.repeat(32)}`;
    const admitted = { namespace: 'shop', kind: 'Deployment', name: 'web', serviceAccount: 'default', breakGlass: true, breakGlassReason: 'incident 7', admittedAt: '2026-11-23T01:00:00.000Z' };
    recordAdmission(service, { ...admitted, image: 'registry.test:5000/team/app:1', digest, cluster: 'prod' });
    recordAdmission(service, { ...admitted, image: 'docker.io/library/nginx:1', digest });
    recordAdmission(service, { ...admitted, image: 'registry.test:5000/team/app:2' });
    const [recorded, ...more] = store.occurrences.list({ project: 'team' }, { filter: 'kind="DEPLOYMENT"' }).items;
    assert.equal(more.length, 0);
    assert.equal(recorded?.resourceUri, `https://registry.test:5000/team/app@${digest}`);
    const deployment = recorded?.deployment as { config: string; deployTime: string };
    assert.deepEqual(JSON.parse(deployment.config), { cluster: 'prod', namespace: 'shop', workload: 'Deployment/web', breakGlass: true, reason: 'incident 7' });
    assert.equal(deployment.deployTime, '2026-11-23T01:00:00.000Z');
    assert.deepEqual(store.notes.listProjects(), [{ name: 'projects/portcullis' }, { name: 'projects/team' }]);
    store.close();
  });
});

describe('metadata API in portcullis serve', () => {
  let layout: string;
  let serve: ServeProcess | undefined;
  let fixture: Awaited<ReturnType<typeof startServeWithVulnerableImage>> | undefined;

  before(async () => {
    fixture = await startServeWithVulnerableImage('portcullis-serve-metadata-');
    ({ layout, serve } = fixture);
  });
  after(async () => {
    await fixture?.close();
  });

  it('records the scan of a pushed image as Grafeas occurrences and filters by lifecycle labels', async () => {
    assert.ok(serve);
    const grafeas = new GrafeasClient(serve.url, { username: 'admin', password: TEST_ADMIN_PASSWORD });
    await pushToRegistry(`oci:${layout}:app`, `${serve.host}/team/app:1`, { creds: `admin:${TEST_ADMIN_PASSWORD}` });
    const [vulnerability] = await waitFor('the VULNERABILITY occurrence', async () => {
      const found = await grafeas.listAllOccurrences('projects/team', { filter: 'kind="VULNERABILITY"' });
      return found.length > 0 ? found : undefined;
    }, 60_000);
    const resourceUri = String(vulnerability?.resourceUri);
    assert.match(resourceUri, new RegExp(`^https://${serve.host.replace(/\./g, '\\.')}/team/app@sha256:[0-9a-f]{64}$`));
    assert.equal(vulnerability?.noteName, 'projects/portcullis/notes/CVE-2024-37890');
    assert.equal(ok(await grafeas.getOccurrenceNote(String(vulnerability?.name))).kind, 'VULNERABILITY');
    assert.deepEqual(ok(await grafeas.vulnerabilitySummary('projects/team')).counts, [{ resourceUri, severity: 'HIGH', fixableCount: '1', totalCount: '1' }]);
    assert.equal((await new GrafeasClient(serve.url).listOccurrences('projects/team')).status, 401);

    const digest = resourceUri.slice(resourceUri.indexOf('@') + 1);
    const label = await fetch(`${serve.url}/api/v1/repositories/${encodeURIComponent('team/app')}/artifacts/${digest}/labels/deprecated`, {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from(`admin:${TEST_ADMIN_PASSWORD}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'use team/app:2' }),
    });
    assert.equal(label.status, 200);
    assert.deepEqual(ok(await grafeas.lifecycleLabels('projects/team', resourceUri)).labels, { deprecated: 'use team/app:2' });
    const deprecated = await grafeas.listAllOccurrences('projects/team', { filter: 'labels.deprecated="use team/app:2" AND kind="DISCOVERY"' });
    assert.deepEqual(deprecated.map((occurrence) => occurrence.resourceUri), [resourceUri]);
  });
});
