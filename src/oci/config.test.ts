import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortcullisError } from '../core/index.ts';
import { parseImageConfig } from './index.ts';

const DIFF = `sha256:${'c'.repeat(64)}`;
const bytes = (value: unknown) => Buffer.from(JSON.stringify(value));

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    architecture: 'arm64',
    os: 'linux',
    variant: 'v8',
    created: '2024-01-01T00:00:00Z',
    config: { Env: ['A=1'], Cmd: ['sh'], Entrypoint: null, Labels: { team: 'x' }, ExposedPorts: { '80/tcp': {} } },
    rootfs: { type: 'layers', diff_ids: [DIFF] },
    history: [{ created_by: 'ADD x' }, { created_by: 'CMD', empty_layer: true }],
    container_config: { Hostname: 'kept' },
    ...overrides,
  };
}

describe('parseImageConfig', () => {
  it('returns the validated fields and keeps the others', () => {
    const parsed = parseImageConfig(bytes(config()));
    assert.equal(parsed.architecture, 'arm64');
    assert.deepEqual(parsed.rootfs.diff_ids, [DIFF]);
    assert.equal(parsed.history?.[1]?.empty_layer, true);
    assert.deepEqual((parsed as unknown as Record<string, unknown>).container_config, { Hostname: 'kept' });
  });

  it('treats "config": null as absent', () => {
    const parsed = parseImageConfig(bytes(config({ config: null })));
    assert.equal('config' in parsed, false);
  });

  it('reports every bad field in one INPUT error', () => {
    const bad = config({
      architecture: 5,
      config: { Env: 'A=1', Labels: { a: 1 }, Cmd: [1] },
      rootfs: { type: 'tarball', diff_ids: ['sha256:short', DIFF] },
      history: [{ empty_layer: 'yes' }, 3],
    });
    assert.throws(
      () => parseImageConfig(bytes(bad)),
      (error: unknown) => {
        assert.ok(error instanceof PortcullisError);
        assert.equal(error.code, 'INPUT');
        for (const field of ['architecture', 'config.Env', 'config.Labels.a', 'config.Cmd[0]', 'rootfs.type', 'rootfs.diff_ids[0]', 'history[0].empty_layer', 'history[1]']) {
          assert.ok(error.message.includes(`${field}:`), `${field} missing from: ${error.message}`);
        }
        assert.ok(!error.message.includes('rootfs.diff_ids[1]'), 'a valid diff ID was reported');
        return true;
      },
    );
  });

  it('requires rootfs and the platform fields', () => {
    assert.throws(() => parseImageConfig(bytes({})), /architecture: must be a string.*os: must be a string.*rootfs: must be an object/);
  });

  it('refuses oversized, non-JSON and non-object configs', () => {
    assert.throws(() => parseImageConfig(bytes(config()), { maxBytes: 10 }), { code: 'LIMIT' });
    assert.throws(() => parseImageConfig(Buffer.from('{"os":')), { code: 'INPUT', message: /not valid JSON/ });
    assert.throws(() => parseImageConfig(Buffer.from('"linux"')), { code: 'INPUT', message: /must be an object/ });
  });
});
