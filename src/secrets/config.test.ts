import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ImageConfig } from '../image/types.ts';
import { EMPTY_ALLOW_LIST } from './allow.ts';
import { configTexts } from './config.ts';
import { compileRules, scanText } from './engine.ts';
import { CONFIG_ENV_PATH, selectRules } from './rules/index.ts';
import { sampleFor } from './testing.ts';

const PASSWORD = sampleFor('dotenv-secret').secret;
const TOKEN = sampleFor('github-token').secret;

const CONFIG: ImageConfig = {
  architecture: 'amd64',
  os: 'linux',
  config: { Env: ['PATH=/usr/bin', `DB_PASSWORD=${PASSWORD}`, 'EMPTY'], Labels: { 'org.opencontainers.image.title': 'shop' } },
  rootfs: { type: 'layers', diff_ids: [] },
  history: [{ created_by: `/bin/sh -c #(nop)  ARG API_TOKEN=${PASSWORD}x BUILD=1` }, { created_by: `RUN /bin/sh -c curl -H "Authorization: token ${TOKEN}" https://api.github.com` }, { empty_layer: true }],
};

describe('configTexts', () => {
  it('names each ENV entry, label and history entry, with variables on lines of their own', () => {
    const texts = configTexts(CONFIG);
    assert.deepEqual(texts.map((text) => `${text.source.field} ${text.source.key}`), ['env PATH', 'env DB_PASSWORD', 'env ', 'label org.opencontainers.image.title', 'history 0', 'history 1']);
    const history = texts[4]!.text;
    assert.equal(history.length, CONFIG.history![0]!.created_by!.length, 'offsets do not move');
    assert.deepEqual(history.split('\n').slice(1), [`API_TOKEN=${PASSWORD}x`, 'BUILD=1']);
  });

  it('lets the rules find secrets in ENV, build arguments and commands', () => {
    const rules = compileRules(selectRules());
    const found = configTexts(CONFIG).flatMap(({ source, text }) =>
      scanText(text, CONFIG_ENV_PATH, rules, { allow: EMPTY_ALLOW_LIST, timeBudgetMs: 10_000, warn: () => {}, onSuppressed: () => {} }).map((match) => `${source.field} ${source.key} ${match.rule.id}`),
    );
    assert.deepEqual(found, ['env DB_PASSWORD dotenv-secret', 'history 0 dotenv-secret', 'history 1 github-token']);
  });
});
