import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Inventory } from '../inventory/index.ts';
import { ociPurl, targetName } from './target.ts';
import { loadInventory } from './testing.ts';

function image(reference: string): Inventory {
  const inventory = loadInventory('image');
  return { ...inventory, target: { reference, kind: 'image' } };
}

describe('targetName', () => {
  it('names registry images by registry and repository, without tag or digest', () => {
    assert.equal(targetName(image('alpine:3.20')), 'docker.io/library/alpine');
    assert.equal(targetName(image(`ghcr.io/org/app@sha256:${'a'.repeat(64)}`)), 'ghcr.io/org/app');
    assert.equal(targetName(image('docker://localhost:5000/app:1')), 'localhost:5000/app');
  });

  it('keeps local images and directories as the user named them', () => {
    assert.equal(targetName(image('oci:./build/layout:1.0')), 'oci:./build/layout:1.0');
    assert.equal(targetName(image('docker-archive:/tmp/My Image.tar')), 'docker-archive:/tmp/My Image.tar');
    assert.equal(targetName(loadInventory('directory')), './services/api');
  });
});

describe('ociPurl', () => {
  it('names a registry image by repository, manifest digest, repository_url and tag', () => {
    const { image: summary } = loadInventory('image');
    assert.equal(
      ociPurl('docker://alpine:3.20', summary!),
      `pkg:oci/alpine@sha256:${'1'.repeat(64)}?repository_url=docker.io%2Flibrary%2Falpine&tag=3.20`,
    );
  });

  it('gives none without a manifest digest or a registry reference', () => {
    const { image: summary } = loadInventory('image');
    assert.equal(ociPurl('alpine:3.20', { ...summary!, manifestDigest: undefined }), undefined);
    assert.equal(ociPurl('oci:./layout', summary!), undefined);
  });
});
