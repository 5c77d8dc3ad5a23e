/**
 * The OpenAPI document against the API as it runs: every route registered under /api/v1 is in the
 * document (and nothing is documented that does not exist), the document is a valid OpenAPI 3.1
 * shape with basic and bearer security, and real answers of the main routes validate against the
 * schemas the document gives for them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { Ajv } from 'ajv';
import { type Bench, body, openBench } from './testing.ts';

// ajv-formats is CommonJS with a default export that Node's ESM loader wraps once more.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'PATCH']);

/** `/api/v1/repositories/:name/tags` -> `/repositories/{name}/tags`. */
function documentPath(url: string): string {
  return url.slice('/api/v1'.length).replace(/:([A-Za-z]+)/g, '{$1}');
}

describe('management API: OpenAPI document', () => {
  let bench: Bench;
  let document: Record<string, any>;
  let ajv: Ajv2020;

  /** Validates an answer against the schema the document gives for that path, method and status. */
  function assertDocumented(path: string, method: string, response: { statusCode: number; json(): unknown }): void {
    const operation = document.paths[path]?.[method];
    assert.ok(operation, `${method} ${path} is documented`);
    const schema = operation.responses[String(response.statusCode)]?.content?.['application/json']?.schema;
    assert.ok(schema, `${method} ${path} documents status ${response.statusCode}`);
    const validate = ajv.compile({ $ref: `openapi.json${schema.$ref ?? ''}` });
    assert.ok(validate(response.json()), `${method} ${path} ${response.statusCode}: ${ajv.errorsText(validate.errors)}`);
  }

  before(async () => {
    bench = await openBench();
    const response = await bench.as(undefined, { url: '/api/v1/openapi.json' });
    assert.equal(response.statusCode, 200, 'the document is public');
    document = body(response);
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv as unknown as Ajv);
    ajv.addSchema({ ...document, $id: 'openapi.json' });
  });
  after(async () => bench?.close());

  it('documents every route registered under /api/v1, and only those', () => {
    const registered = bench.routes.filter((route) => route.url.startsWith('/api/v1/') && METHODS.has(route.method)).map((route) => `${route.method.toLowerCase()} ${documentPath(route.url)}`);
    assert.ok(registered.length >= 30, `the routes were collected (${registered.length})`);
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    assert.deepEqual([...new Set(registered)].sort(), [...new Set(documented)].sort());
  });

  it('is an OpenAPI 3.1 document with basic and bearer security and one error schema', () => {
    assert.equal(document.openapi, '3.1.0');
    assert.equal(document.info.version, '0.0.0-test');
    assert.equal(document.components.securitySchemes.basic.type, 'http');
    assert.equal(document.components.securitySchemes.basic.scheme, 'basic');
    assert.equal(document.components.securitySchemes.bearer.scheme, 'bearer');
    for (const [path, operations] of Object.entries(document.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(operations)) {
        assert.ok(operation.responses, `${method} ${path} has responses`);
        for (const name of path.match(/\{(\w+)\}/g) ?? []) {
          assert.ok(operation.parameters?.some((parameter: { name: string; in: string }) => parameter.in === 'path' && `{${parameter.name}}` === name), `${method} ${path} documents ${name}`);
        }
      }
    }
    const notFound = bench.as('alice', { url: '/api/v1/repositories/nothing%2Fhere' });
    return notFound.then((response) => assertDocumented('/repositories/{name}', 'get', response));
  });

  it('real answers of the registry routes validate against their schemas', async () => {
    const name = encodeURIComponent('team/app');
    const artifact = `/repositories/${name}/artifacts/${bench.image}`;
    bench.policy.setLabels(bench.image, { team: 'payments' });
    const checks: Array<[string, string, string]> = [
      ['/repositories', 'get', '/repositories'],
      ['/repositories/{name}', 'get', `/repositories/${name}`],
      ['/repositories/{name}/tags', 'get', `/repositories/${name}/tags`],
      ['/repositories/{name}/artifacts', 'get', `/repositories/${name}/artifacts`],
      ['/repositories/{name}/artifacts/{digest}', 'get', artifact],
      ['/repositories/{name}/artifacts/{digest}/scan', 'get', `${artifact}/scan`],
      ['/repositories/{name}/artifacts/{digest}/vulnerabilities/summary', 'get', `${artifact}/vulnerabilities/summary`],
      ['/repositories/{name}/artifacts/{digest}/labels', 'get', `${artifact}/labels`],
      ['/vulnerabilities/summary', 'get', '/vulnerabilities/summary'],
      ['/projects', 'get', '/projects'],
      ['/projects/{project}/members', 'get', '/projects/team/members'],
      ['/projects/{project}/pull-policy', 'get', '/projects/team/pull-policy'],
      ['/projects/{project}/exceptions', 'get', '/projects/team/exceptions'],
      ['/users', 'get', '/users'],
      ['/robots', 'get', '/robots'],
      ['/audit', 'get', '/audit'],
      ['/audit/verify', 'get', '/audit/verify'],
      ['/system/info', 'get', '/system/info'],
    ];
    for (const [path, method, url] of checks) {
      const response = await bench.as('alice', { method: method.toUpperCase() as 'GET', url: `/api/v1${url}` });
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
      assertDocumented(path, method, response);
    }
    const report = await bench.as('alice', { url: `/api/v1${artifact}/scan` });
    assert.ok(body(report).findings.length > 0, 'the scan report validated with findings in it');
  });

  it('answers of changes validate too: labels, gates, exceptions, accounts, re-scans', async () => {
    const artifact = `/repositories/${encodeURIComponent('team/app')}/artifacts/${bench.image}`;
    const changes: Array<[string, string, string, unknown]> = [
      ['/repositories/{name}/artifacts/{digest}/labels/{key}', 'put', `${artifact}/labels/purpose`, { value: 'demo' }],
      ['/projects/{project}/pull-policy', 'put', '/projects/team/pull-policy', { minSeverity: 'HIGH', blockUnscanned: true, graceDays: { HIGH: 7 } }],
      ['/projects/{project}/exceptions', 'post', '/projects/team/exceptions', { vulnerability: 'CVE-2024-37890', repository: 'team/app', reason: 'not reachable', owner: 'payments', expires: '30d' }],
      ['/projects/{project}', 'put', '/projects/team', { public: false }],
      ['/projects/{project}/members/{user}', 'put', '/projects/team/members/dave', { role: 'guest' }],
      ['/users', 'post', '/users', { name: 'erin', password: 'a long enough password' }],
      ['/users/{user}', 'patch', '/users/erin', { disabled: true }],
      ['/robots', 'post', '/robots', { name: 'ci', scopes: [{ pattern: 'team/**', actions: ['pull', 'push'] }] }],
      ['/robots/{robot}/revoke', 'post', '/robots/ci/revoke', undefined],
      ['/repositories/{name}/artifacts/{digest}/scan', 'post', `${artifact}/scan`, undefined],
      ['/rescan', 'post', '/rescan', undefined],
    ];
    for (const [path, method, url, payload] of changes) {
      const response = await bench.as('alice', { method: method.toUpperCase() as 'PUT', url: `/api/v1${url}`, ...(payload !== undefined && { payload: payload as object }) });
      assert.ok(response.statusCode < 300, `${method} ${url}: ${response.statusCode} ${response.body}`);
      assertDocumented(path, method, response);
    }
  });
});
