import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedActions, allowedRegistryActions, projectOf, ROLE_ACTIONS } from './authorize.ts';
import { matchesRepositoryPattern } from './repository-pattern.ts';
import type { AccessRequest, Principal, ProjectRecord, ProjectRole } from './types.ts';

const ALL = ['pull', 'push', 'delete', '*'];
const PRIVATE: ProjectRecord = { name: 'team', public: false, ipAllowlist: [] };
const PUBLIC: ProjectRecord = { name: 'team', public: true, ipAllowlist: [] };
const FENCED: ProjectRecord = { name: 'team', public: true, ipAllowlist: ['10.0.0.0/8', 'fd00::/8'] };
const user = (admin = false): Principal => ({ kind: 'user', name: 'u', admin });
const request = (actions: string[] = ALL, ip = '127.0.0.1'): AccessRequest => ({ repository: 'team/app', actions, ip });

describe('authorize', () => {
  it('grants each project role exactly its actions', () => {
    const expected: Record<ProjectRole, string[]> = {
      admin: ['pull', 'push', 'delete', '*'],
      maintainer: ['pull', 'push', 'delete'],
      developer: ['pull', 'push'],
      guest: ['pull'],
    };
    for (const [role, actions] of Object.entries(expected) as [ProjectRole, string[]][]) {
      assert.deepEqual(allowedActions({ principal: user(), request: request(), project: PRIVATE, role }), actions, role);
      assert.deepEqual([...ROLE_ACTIONS[role]], actions);
    }
    assert.deepEqual(allowedActions({ principal: user(), request: request(), project: PRIVATE, role: undefined }), []);
  });

  it('returns only the requested actions that are allowed, in request order, without duplicates', () => {
    assert.deepEqual(allowedActions({ principal: user(), request: request(['push', 'pull', 'push', 'bogus']), project: PRIVATE, role: 'developer' }), ['push', 'pull']);
    assert.deepEqual(allowedActions({ principal: user(), request: request(['delete']), project: PRIVATE, role: 'developer' }), []);
  });

  it('gives system admins everything, even without a project record', () => {
    assert.deepEqual(allowedActions({ principal: user(true), request: request(), project: undefined, role: undefined }), ALL);
  });

  it('lets anyone pull from a public project, and nothing more', () => {
    assert.deepEqual(allowedActions({ principal: { kind: 'anonymous' }, request: request(), project: PUBLIC, role: undefined }), ['pull']);
    assert.deepEqual(allowedActions({ principal: user(), request: request(), project: PUBLIC, role: undefined }), ['pull']);
    assert.deepEqual(allowedActions({ principal: { kind: 'anonymous' }, request: request(), project: PRIVATE, role: undefined }), []);
    assert.deepEqual(allowedActions({ principal: { kind: 'anonymous' }, request: request(), project: undefined, role: undefined }), []);
  });

  it('refuses everything outside a project IP allowlist, admins included (v4 and v6)', () => {
    const admin = user(true);
    assert.deepEqual(allowedActions({ principal: admin, request: request(ALL, '10.1.1.1'), project: FENCED, role: undefined }), ALL);
    assert.deepEqual(allowedActions({ principal: admin, request: request(ALL, 'fd12::1'), project: FENCED, role: undefined }), ALL);
    assert.deepEqual(allowedActions({ principal: admin, request: request(ALL, '192.168.0.1'), project: FENCED, role: undefined }), []);
    assert.deepEqual(allowedActions({ principal: { kind: 'anonymous' }, request: request(ALL, '2001:db8::1'), project: FENCED, role: undefined }), []);
    assert.deepEqual(allowedActions({ principal: admin, request: { repository: 'team/app', actions: ALL }, project: FENCED, role: undefined }), []);
    assert.deepEqual(allowedActions({ principal: admin, request: request(ALL, 'garbage'), project: FENCED, role: undefined }), []);
  });

  it('gives robots the actions of the scopes whose pattern matches', () => {
    const robot: Principal = { kind: 'robot', name: 'ci', scanner: false, scopes: [{ pattern: 'team/*', actions: ['pull', 'push'] }, { pattern: 'team/app', actions: ['delete'] }] };
    assert.deepEqual(allowedActions({ principal: robot, request: request(), project: PRIVATE, role: undefined }), ['pull', 'push', 'delete']);
    const other = { repository: 'team/app/sub', actions: ALL, ip: '127.0.0.1' };
    assert.deepEqual(allowedActions({ principal: robot, request: other, project: PRIVATE, role: undefined }), []);
  });

  it('lets scanner robots pull anything but not push', () => {
    const scanner: Principal = { kind: 'robot', name: 'scan', scanner: true, scopes: [] };
    assert.deepEqual(allowedActions({ principal: scanner, request: request(), project: PRIVATE, role: undefined }), ['pull']);
    assert.deepEqual(allowedRegistryActions(scanner, 'catalog', ['*']), ['*']);
    assert.deepEqual(allowedRegistryActions(user(), 'catalog', ['*']), []);
    assert.deepEqual(allowedRegistryActions(user(true), 'other', ['*']), []);
  });

  it('never exceeds the access claim of the token a principal came with', () => {
    const limited: Principal = { ...user(true), limitTo: [{ type: 'repository', name: 'team/app', actions: ['pull'] }] };
    assert.deepEqual(allowedActions({ principal: limited, request: request(), project: PRIVATE, role: undefined }), ['pull']);
    const elsewhere = { repository: 'team/other', actions: ALL, ip: '127.0.0.1' };
    assert.deepEqual(allowedActions({ principal: limited, request: elsewhere, project: PRIVATE, role: undefined }), []);
    const star: Principal = { ...user(true), limitTo: [{ type: 'repository', name: 'team/app', actions: ['*'] }] };
    assert.deepEqual(allowedActions({ principal: star, request: request(['delete']), project: PRIVATE, role: undefined }), ['delete']);
  });

  it('names the project after the first path segment', () => {
    assert.equal(projectOf('team/app/api'), 'team');
    assert.equal(projectOf('solo'), 'solo');
  });

  it('matches repository patterns segment by segment', () => {
    assert.equal(matchesRepositoryPattern('team/*', 'team/app'), true);
    assert.equal(matchesRepositoryPattern('team/*', 'team/app/api'), false);
    assert.equal(matchesRepositoryPattern('team/**', 'team/app/api'), true);
    assert.equal(matchesRepositoryPattern('team/a.b', 'team/aXb'), false);
    assert.equal(matchesRepositoryPattern('team/app-*', 'team/app-1'), true);
    assert.throws(() => matchesRepositoryPattern('Team/(x)', 'team/x'), /invalid repository pattern/);
  });
});
