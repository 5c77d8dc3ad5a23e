import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Issue, pairIssues } from './lint-match.ts';

function issue(id: string, topic: string, start: number | undefined, end = start, file = 'k8s/pod.yaml'): Issue {
  return { file, start, end, id, title: id, topic };
}

function rows(pairs: ReturnType<typeof pairIssues>): string[] {
  return pairs.map((pair) => `${pair.ours?.id ?? '-'} ${pair.theirs?.id ?? '-'}${pair.shared ? ' shared' : ''}${pair.lineDiffers ? ' line' : ''}`);
}

describe('pairIssues', () => {
  it('pairs same file, topic and overlapping lines one to one', () => {
    assert.deepEqual(rows(pairIssues([issue('PC-1', 'root', 9)], [issue('KSV012', 'root', 8, 12)])), ['PC-1 KSV012']);
  });

  it('keeps different topics, files and far-apart singles apart', () => {
    const pairs = pairIssues([issue('PC-1', 'root', 9), issue('PC-2', 'seccomp', 3, 3, 'k8s/other.yaml')], [issue('KSV012', 'privileged', 9), issue('KSV030', 'seccomp', 3)]);
    assert.deepEqual(rows(pairs).sort(), ['- KSV012', '- KSV030', 'PC-1 -', 'PC-2 -']);
  });

  it('shares one finding with several of the other tool (CPU and memory split)', () => {
    const pairs = pairIssues([issue('PC-22', 'limits', 15)], [issue('KSV011', 'limits', 15, 23), issue('KSV018', 'limits', 15, 23)]);
    assert.deepEqual(rows(pairs), ['PC-22 KSV011', 'PC-22 KSV018 shared']);
  });

  it('falls back to the same topic elsewhere in the file, and says the lines differ', () => {
    const pairs = pairIssues([issue('PC-32', 'cluster-admin', 39)], [issue('KSV111', 'cluster-admin', 33)]);
    assert.deepEqual(rows(pairs), ['PC-32 KSV111 line']);
  });

  it('treats a finding with no line as covering the whole file', () => {
    const pairs = pairIssues([issue('PC-19', 'healthcheck', 2, 2, 'Dockerfile')], [issue('DS026', 'healthcheck', undefined, undefined, 'Dockerfile')]);
    assert.deepEqual(rows(pairs), ['PC-19 DS026']);
  });
});
