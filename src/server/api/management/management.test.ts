/**
 * The management API's registry routes through build() + inject(): repositories, tags, artifacts,
 * scan reports and their formats, summaries, re-scans, labels and deletes, each change audited.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pushImage } from '../../../registry/testing.ts';
import { waitFor } from '../../../registry-scan/testing.ts';
import { type Bench, body, openBench } from './testing.ts';

describe('management API: repositories, artifacts, scans, labels', () => {
  let bench: Bench;
  const app = () => encodeURIComponent('team/app');

  before(async () => {
    bench = await openBench();
    await pushImage(bench.registry.registry, 'team/other', 'latest', 'other');
    await pushImage(bench.registry.registry, 'pub/site', 'latest', 'site');
  });
  after(async () => bench?.close());

  it('lists repositories the caller may pull, filtered by project, paged with a Link header', async () => {
    const all = await bench.as('alice', { url: '/api/v1/repositories' });
    assert.equal(all.statusCode, 200);
    assert.deepEqual(body(all).repositories.map((entry: { name: string }) => entry.name), ['pub/site', 'team/app', 'team/other']);
    const dave = await bench.as('dave', { url: '/api/v1/repositories' });
    assert.deepEqual(body(dave).repositories, [{ name: 'pub/site', project: 'pub' }], 'dave only sees the public project');
    const team = await bench.as('bob', { url: '/api/v1/repositories?project=team&n=1' });
    assert.deepEqual(body(team).repositories, [{ name: 'team/app', project: 'team' }]);
    assert.equal(team.headers.link, '</api/v1/repositories?project=team&n=1&last=team%2Fapp>; rel="next"');
    const next = await bench.as('bob', { url: '/api/v1/repositories?project=team&n=1&last=team%2Fapp' });
    assert.deepEqual(body(next).repositories, [{ name: 'team/other', project: 'team' }]);
  });

  it('shows a repository and its tags with digests', async () => {
    const shown = await bench.as('bob', { url: `/api/v1/repositories/${app()}` });
    assert.deepEqual(body(shown), { name: 'team/app', project: 'team' });
    const tags = await bench.as('bob', { url: `/api/v1/repositories/${app()}/tags` });
    assert.deepEqual(body(tags), { tags: [{ name: 'v1', digest: bench.image }] });
    assert.equal((await bench.as('bob', { url: `/api/v1/repositories/${encodeURIComponent('team/none')}` })).statusCode, 404);
  });

  it('lists artifacts with tags, labels and scan state, including the scanner\'s SBOM referrer', async () => {
    const response = await bench.as('bob', { url: `/api/v1/repositories/${app()}/artifacts` });
    assert.equal(response.statusCode, 200);
    const artifacts = body(response).artifacts as Array<Record<string, any>>;
    const image = artifacts.find((artifact) => artifact.digest === bench.image);
    assert.ok(image, 'the pushed image is listed');
    assert.deepEqual(image.tags, ['v1']);
    assert.equal(image.scan.state, 'completed');
    assert.equal(image.scan.summary.HIGH, 1);
    const sbom = artifacts.find((artifact) => artifact.subject === bench.image);
    assert.ok(sbom, 'the SBOM referrer is an artifact of the repository too');
    assert.equal(sbom.scan.state, 'none');
  });

  it('shows a scan that failed for good as failed, with the reason, and an empty report', async () => {
    const other = encodeURIComponent('team/other');
    const failed = await waitFor('the failed scan of team/other', async () => {
      const [artifact] = body(await bench.as('bob', { url: `/api/v1/repositories/${other}/artifacts` })).artifacts;
      return artifact?.scan.state === 'failed' ? artifact : undefined;
    });
    assert.match(failed.scan.error, /INPUT|tar|layer/i, 'a layer that is no tar archive');
    const report = body(await bench.as('bob', { url: `/api/v1/repositories/${other}/artifacts/${failed.digest}/scan` }));
    assert.equal(report.state, 'failed');
    assert.deepEqual(report.findings, []);
    assert.equal(report.summary.total, 0);
    assert.equal((await bench.as('bob', { url: `/api/v1/repositories/${other}/artifacts/${failed.digest}/scan?format=sarif` })).statusCode, 404, 'no stored scan to format');
  });

  it('answers the stored scan report in the documented shape', async () => {
    const response = await bench.as('bob', { url: `/api/v1/repositories/${app()}/artifacts/${bench.image}/scan` });
    assert.equal(response.statusCode, 200);
    const report = body(response);
    assert.equal(report.repository, 'team/app');
    assert.equal(report.digest, bench.image);
    assert.equal(report.state, 'completed');
    assert.ok(!Number.isNaN(Date.parse(report.completedAt)));
    assert.equal(report.summary.total, 1);
    const [finding] = report.findings;
    assert.equal(finding.id, 'CVE-2024-37890');
    assert.ok(finding.aliases.includes('GHSA-3h5v-q93c-6h6q'));
    assert.equal(finding.severity, 'HIGH');
    assert.deepEqual({ name: finding.package.name, version: finding.package.version, ecosystem: finding.package.ecosystem }, { name: 'ws', version: '7.4.0', ecosystem: 'npm' });
    assert.equal(finding.package.purl, 'pkg:npm/ws@7.4.0');
    assert.equal(finding.status, 'fixed');
    assert.equal(finding.fixedVersion, '7.5.10');
    assert.ok(!Number.isNaN(Date.parse(finding.firstSeen)));
  });

  it('answers the report as scan JSON, SARIF and CycloneDX through the scan formatters', async () => {
    const url = `/api/v1/repositories/${app()}/artifacts/${bench.image}/scan`;
    const json = await bench.as('bob', { url: `${url}?format=json` });
    assert.equal(body(json).schemaVersion, 1);
    assert.equal(body(json).findings[0].finding.id, 'CVE-2024-37890');
    const sarif = await bench.as('bob', { url: `${url}?format=sarif` });
    assert.match(String(sarif.headers['content-type']), /application\/sarif\+json/);
    assert.equal(body(sarif).version, '2.1.0');
    assert.equal(body(sarif).runs[0].results[0].ruleId, 'CVE-2024-37890');
    const cyclonedx = await bench.as('bob', { url: `${url}?format=cyclonedx` });
    assert.equal(body(cyclonedx).bomFormat, 'CycloneDX');
    assert.equal(body(cyclonedx).vulnerabilities[0].id, 'CVE-2024-37890');
    const bad = await bench.as('bob', { url: `${url}?format=pdf` });
    assert.equal(bad.statusCode, 400);
  });

  it('summarises findings per image and across the registry', async () => {
    const one = await bench.as('bob', { url: `/api/v1/repositories/${app()}/artifacts/${bench.image}/vulnerabilities/summary` });
    assert.equal(body(one).summary.HIGH, 1);
    assert.equal(body(one).state, 'completed');
    const all = await bench.as('alice', { url: '/api/v1/vulnerabilities/summary' });
    const teamApp = body(all).repositories.find((entry: { repository: string }) => entry.repository === 'team/app');
    assert.equal(teamApp.summary.HIGH, 1);
    assert.equal(body(all).summary.total >= 1, true);
    const dave = await bench.as('dave', { url: '/api/v1/vulnerabilities/summary' });
    assert.equal(body(dave).repositories.some((entry: { repository: string }) => entry.repository === 'team/app'), false, 'totals only count pullable repositories');
  });

  it('labels an artifact; labels show in listings and scan reports; changes are audited', async () => {
    const url = `/api/v1/repositories/${app()}/artifacts/${bench.image}/labels`;
    const denied = await bench.as('bob', { method: 'PUT', url: `${url}/team`, payload: { value: 'payments' } });
    assert.equal(denied.statusCode, 403, 'a developer may not label');
    const set = await bench.as('carol', { method: 'PUT', url: `${url}/production-ready`, payload: { value: 'true' } });
    assert.equal(set.statusCode, 200);
    assert.deepEqual(body(set).labels, { 'production-ready': 'true' });
    assert.deepEqual(body(await bench.as('bob', { url })).labels, { 'production-ready': 'true' });
    const report = await bench.as('bob', { url: `/api/v1/repositories/${app()}/artifacts/${bench.image}/scan` });
    assert.deepEqual(body(report).labels, { 'production-ready': 'true' });
    const artifact = await bench.as('bob', { url: `/api/v1/repositories/${app()}/artifacts/${bench.image}` });
    assert.deepEqual(body(artifact).labels, { 'production-ready': 'true' });
    const removed = await bench.as('carol', { method: 'DELETE', url: `${url}/production-ready` });
    assert.deepEqual(body(removed).labels, {});
    assert.equal((await bench.as('carol', { method: 'DELETE', url: `${url}/production-ready` })).statusCode, 404);
    const audit = bench.fixture.store.queryAudit({ actor: 'carol', action: 'policy.change', limit: 10 });
    assert.deepEqual(audit.map((record) => record.detail.labels), ['production-ready=', 'production-ready=true']);
  });

  it('re-scans one image on request (202, queued) and re-matches everything for admins', async () => {
    const url = `/api/v1/repositories/${app()}/artifacts/${bench.image}/scan`;
    assert.equal((await bench.as('dave', { method: 'POST', url })).statusCode, 403);
    const before = bench.scanner.scanResult(bench.image)?.scannedAt ?? 0;
    const queued = await bench.as('bob', { method: 'POST', url });
    assert.equal(queued.statusCode, 202);
    assert.equal(body(queued).repository, 'team/app');
    assert.ok(['queued', 'running'].includes(body(queued).job.state));
    await waitFor('the re-scan', () => ((bench.scanner.scanResult(bench.image)?.scannedAt ?? 0) > before && bench.scanner.scanState(bench.image)?.state === 'done' ? true : undefined));
    assert.equal(bench.fixture.store.queryAudit({ action: 'scan.request', limit: 1 })[0]?.target, `team/app@${bench.image}`);
    assert.equal((await bench.as('bob', { method: 'POST', url: '/api/v1/rescan' })).statusCode, 403);
    const all = await bench.as('alice', { method: 'POST', url: '/api/v1/rescan' });
    assert.equal(all.statusCode, 200);
    assert.ok(body(all).rescanned >= 1);
  });

  it('deletes an artifact and a repository, audited with the caller', async () => {
    const other = await pushImage(bench.registry.registry, 'team/gone', 'x', 'gone');
    const artifactUrl = `/api/v1/repositories/${encodeURIComponent('team/gone')}/artifacts/${other.digest}`;
    assert.equal((await bench.as('bob', { method: 'DELETE', url: artifactUrl })).statusCode, 403, 'developers may not delete');
    assert.equal((await bench.as('carol', { method: 'DELETE', url: artifactUrl })).statusCode, 204);
    assert.equal((await bench.as('carol', { url: artifactUrl })).statusCode, 404);
    const repository = `/api/v1/repositories/${encodeURIComponent('team/gone')}`;
    assert.equal((await bench.as('carol', { method: 'DELETE', url: repository })).statusCode, 204);
    assert.equal((await bench.as('carol', { url: repository })).statusCode, 404);
    assert.equal((await bench.as('carol', { method: 'DELETE', url: repository })).statusCode, 404);
    const deletes = bench.fixture.store.queryAudit({ actor: 'carol', action: 'delete', limit: 5 }).map((record) => record.target);
    assert.deepEqual(deletes, ['team/gone', `team/gone@${other.digest}`]);
  });
});
