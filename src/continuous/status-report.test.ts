/** `portcullis status`'s reading of the server's answer: good answers render, hostile ones are INPUT errors. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPortcullisError } from '../core/index.ts';
import { formatStatusTable, parseStatusReport } from './status-report.ts';

const GOOD = {
  summary: { running: 2, compliant: 1, violating: 1, unevaluated: 0 },
  deployments: [
    { image: 'reg/team/app:1', digest: `sha256:${'1'.repeat(64)}`, namespace: 'shop', kind: 'Deployment', name: 'web', status: 'compliant', breakGlass: false, decision: { allowed: true, denials: [], warnings: [], evaluatedAt: '2026-01-01T00:00:00Z' } },
    { image: 'reg/team/app@sha256:x', cluster: 'prod', namespace: 'shop', kind: 'Deployment', name: 'hotfix', status: 'violating', breakGlass: true, decision: { allowed: false, denials: ['too many findings\u001b[31m'], warnings: [], evaluatedAt: '2026-01-01T00:00:00Z' } },
  ],
};

const inputError = (error: unknown) => isPortcullisError(error) && error.code === 'INPUT';

describe('status report', () => {
  it('renders violations first, each reason below its image, control characters escaped', () => {
    const table = formatStatusTable(parseStatusReport(GOOD));
    const lines = table.split('\n');
    assert.equal(lines[0], 'Running images: 2   compliant: 1   violating: 1   unevaluated: 0');
    assert.match(lines[3] ?? '', /^ {2}violating \(break-glass\) +prod:Deployment shop\/hotfix +reg\/team\/app@sha256:x$/);
    assert.equal(lines[4], '      - too many findings\\x1b[31m');
    assert.match(lines[5] ?? '', /compliant +Deployment shop\/web +reg\/team\/app:1 \(sha256:1{64}\)/);
  });

  it('refuses answers that are not a deployments report, naming the field', () => {
    const cases: Array<[unknown, RegExp]> = [
      [null, /the answer is not a JSON object/],
      [[], /the answer is not a JSON object/],
      [{ deployments: [] }, /summary is not a JSON object/],
      [{ ...GOOD, summary: { ...GOOD.summary, running: -1 } }, /summary.running is not a count/],
      [{ ...GOOD, deployments: 'x' }, /deployments is not a list/],
      [{ ...GOOD, deployments: [{ ...GOOD.deployments[0], status: 'evicted' }] }, /deployments\[0\].status/],
      [{ ...GOOD, deployments: [{ ...GOOD.deployments[0], name: 5 }] }, /deployments\[0\].name is not a string/],
      [{ ...GOOD, deployments: [{ ...GOOD.deployments[1], decision: { denials: [1] } }] }, /deployments\[0\].decision.denials\[0\]/],
      [{ ...GOOD, deployments: new Array(100_001).fill(GOOD.deployments[0]) }, /more than 100000 images/],
    ];
    for (const [body, message] of cases) {
      assert.throws(() => parseStatusReport(body), (error: unknown) => inputError(error) && message.test((error as Error).message), String(message));
    }
  });
});
