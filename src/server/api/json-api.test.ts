import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { PortcullisError } from '../../core/index.ts';
import { ApiError, bodyObject, callerOf, registerJsonApi, requireAdmin } from './json-api.ts';

function app() {
  const server = Fastify();
  server.removeAllContentTypeParsers();
  registerJsonApi(server, { prefix: '/api/v1', bodyLimit: 64 }, (scope) => {
    scope.post('/echo', async (request) => bodyObject(request));
    scope.get('/missing', async () => {
      throw new PortcullisError('NOT_FOUND', 'no such thing');
    });
    scope.get('/conflict', async () => {
      throw new ApiError('ALREADY_EXISTS', 'taken');
    });
    scope.get('/bug', async () => {
      throw new Error('secret detail');
    });
    scope.get('/whoami', async (request) => ({ principal: await callerOf(request), admin: (await requireAdmin(request)).kind }));
  });
  return server;
}

test('JSON bodies are parsed and echoed; non-objects are refused', async () => {
  const server = app();
  const ok = await server.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":1}' });
  assert.equal(ok.statusCode, 200);
  assert.deepEqual(ok.json(), { a: 1 });
  const list = await server.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/json' }, payload: '[1]' });
  assert.equal(list.statusCode, 400);
  assert.equal(list.json().error.status, 'INVALID_ARGUMENT');
});

test('hostile bodies: invalid JSON, oversized, wrong content type', async () => {
  const server = app();
  const broken = await server.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/json' }, payload: '{"a":' });
  assert.equal(broken.statusCode, 400);
  assert.match(broken.json().error.message, /not valid JSON/);
  const big = await server.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ a: 'x'.repeat(100) }) });
  assert.equal(big.statusCode, 413);
  assert.equal(big.json().error.status, 'PAYLOAD_TOO_LARGE');
  const text = await server.inject({ method: 'POST', url: '/api/v1/echo', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
  assert.equal(text.statusCode, 415);
  assert.equal(text.json().error.code, 415);
});

test('errors map to status codes; internal details never leak', async () => {
  const server = app();
  assert.deepEqual((await server.inject({ url: '/api/v1/missing' })).json(), { error: { code: 404, message: 'no such thing', status: 'NOT_FOUND' } });
  assert.equal((await server.inject({ url: '/api/v1/conflict' })).statusCode, 409);
  const bug = await server.inject({ url: '/api/v1/bug' });
  assert.equal(bug.statusCode, 500);
  assert.doesNotMatch(bug.body, /secret detail/);
  const unknown = await server.inject({ url: '/api/v1/nowhere' });
  assert.equal(unknown.statusCode, 404);
  assert.match(unknown.json().error.message, /no such endpoint/);
});

test('without access control the caller is the local administrator', async () => {
  const response = await app().inject({ url: '/api/v1/whoami' });
  assert.equal(response.statusCode, 200);
  assert.equal(response.json().principal.name, 'local');
});

test('several APIs share a prefix, each in its own scope, with one not-found answer', async () => {
  const server = Fastify();
  registerJsonApi(server, { prefix: '/api/v1' }, (scope) => void scope.get('/one', async () => ({ api: 1 })));
  registerJsonApi(server, { prefix: '/api/v1' }, (scope) => void scope.get('/two', async () => ({ api: 2 })));
  assert.deepEqual((await server.inject({ url: '/api/v1/one' })).json(), { api: 1 });
  assert.deepEqual((await server.inject({ url: '/api/v1/two' })).json(), { api: 2 });
  const missing = await server.inject({ url: '/api/v1/three' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.status, 'NOT_FOUND');
});
