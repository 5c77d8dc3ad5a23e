/**
 * Test fixture: an AuthService on an in-memory SQLite store with a few accounts and projects.
 *   alice  admin user            bob   developer in "team", guest in "ops"
 *   carol  maintainer in "team"  dave  no memberships
 *   projects: team (private), pub (public), ops (private, allowlist 10.0.0.0/8 and 2001:db8::/32)
 */
import { DatabaseSync } from 'node:sqlite';
import { createUser, putProject, setMember, type Actor } from '../accounts.ts';
import { AuthService } from '../service.ts';
import { SqliteAuthStore } from '../sqlite-store.ts';

export const PASSWORD = 'correct horse battery staple';
export const SERVICE = 'registry.test';
export const REALM = 'http://127.0.0.1/token';
export const SERVER_SECRET = 'a-server-secret-for-tests-only-0123456789';
export const ROOT: Actor = { name: 'system', ip: '' };

export interface Fixture {
  db: DatabaseSync;
  store: SqliteAuthStore;
  auth: AuthService;
}

export async function openFixture(): Promise<Fixture> {
  const db = new DatabaseSync(':memory:');
  const store = new SqliteAuthStore(db);
  await Promise.all([
    createUser(store, ROOT, 'alice', PASSWORD, { admin: true }),
    createUser(store, ROOT, 'bob', PASSWORD),
    createUser(store, ROOT, 'carol', PASSWORD),
    createUser(store, ROOT, 'dave', PASSWORD),
  ]);
  putProject(store, ROOT, { name: 'team', public: false, ipAllowlist: [] });
  putProject(store, ROOT, { name: 'pub', public: true, ipAllowlist: [] });
  putProject(store, ROOT, { name: 'ops', public: false, ipAllowlist: ['10.0.0.0/8', '2001:db8::/32'] });
  setMember(store, ROOT, 'team', 'bob', 'developer');
  setMember(store, ROOT, 'ops', 'bob', 'guest');
  setMember(store, ROOT, 'team', 'carol', 'maintainer');
  const auth = await AuthService.open({ store, serverSecret: SERVER_SECRET, service: SERVICE, realm: REALM });
  return { db, store, auth };
}
