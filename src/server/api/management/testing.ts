/**
 * Test bench of the management API: the real app from build() with access control from the auth
 * fixture (alice admin, bob developer in team, carol maintainer in team, dave no role), a registry
 * on a temporary directory, a RegistryScanner matching against an advisory database built from the
 * shared advisory data, and policy.db beside them. Routes are collected as they register, so tests
 * can walk them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { openFixture, PASSWORD, type Fixture } from '../../../auth/testing/fixture.ts';
import { openTestRegistry, type TestRegistry } from '../../../registry/testing.ts';
import { openPolicyStore, type PolicyStore } from '../../../registry-policy/index.ts';
import { RegistryScanner } from '../../../registry-scan/index.ts';
import { GHSA, buildNpmImage, importGhsa, pushBuilt, waitFor } from '../../../registry-scan/testing.ts';
import { build } from '../../app.ts';
import { registerManagementApi } from './index.ts';

export const TEST_VERSION = '0.0.0-test';

export interface Bench {
  app: FastifyInstance;
  fixture: Fixture;
  registry: TestRegistry;
  scanner: RegistryScanner;
  policy: PolicyStore;
  /** Method and URL of every route registered (Fastify's `:param` form). */
  routes: Array<{ method: string; url: string }>;
  /** Digest of team/app:v1, an npm image with ws 7.4.0 (CVE-2024-37890, HIGH), already scanned. */
  image: string;
  /** A request as `user` (Basic auth with the fixture's password), or anonymous when undefined. */
  as(user: string | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export function basic(user: string, password = PASSWORD): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

export async function openBench(): Promise<Bench> {
  const work = await mkdtemp(join(tmpdir(), 'portcullis-management-'));
  const advisoryDb = join(work, 'advisories.db');
  await importGhsa(advisoryDb, [GHSA.ws]);
  const registry = await openTestRegistry();
  const fixture = await openFixture();
  const scanner = new RegistryScanner({ registry: registry.registry, dataDir: registry.dataDir, advisoryDb, toolVersion: TEST_VERSION, watchIntervalMs: 0 });
  scanner.start();
  const policy = openPolicyStore(registry.dataDir);
  const routes: Array<{ method: string; url: string }> = [];
  const app = build({
    registry: registry.registry,
    auth: fixture.auth,
    extensions: [
      (server) => server.addHook('onRoute', (route) => void [route.method].flat().forEach((method) => routes.push({ method, url: route.url }))),
      registerManagementApi({ registry: registry.registry, scanner, policy, version: TEST_VERSION, dataDir: registry.dataDir }),
    ],
  });
  await app.ready();
  const image = await pushBuilt(registry.registry, 'team/app', 'v1', buildNpmImage({ ws: '7.4.0' }));
  await waitFor('the scan of team/app:v1', () => scanner.scanResult(image));
  return {
    app,
    fixture,
    registry,
    scanner,
    policy,
    routes,
    image,
    as: (user, options) => app.inject({ ...options, headers: { ...options.headers, ...(user !== undefined && { authorization: basic(user) }) } }),
    close: async () => {
      await app.close();
      await scanner.close();
      policy.close();
      fixture.db.close();
      await registry.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}

/** The JSON body as an object (tests read fields from it). */
export function body(response: LightMyRequestResponse): Record<string, any> {
  return response.json() as Record<string, any>;
}
