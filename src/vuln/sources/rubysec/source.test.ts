import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { collect, vulndata } from '../testing.ts';
import { affectedGemRange, requirementIntervals } from './requirements.ts';
import { rubysecSource } from './source.ts';

const testdata = (relative: string) => fileURLToPath(new URL(`testdata/${relative}`, import.meta.url));

describe('rubysec requirements', () => {
  it('reads the pessimistic operator as RubyGems does', () => {
    assert.deepEqual(requirementIntervals('~> 1.3.8'), [
      { lower: { version: '1.3.8', inclusive: true }, upper: { version: '1.4', inclusive: false } },
    ]);
    assert.deepEqual(requirementIntervals('~> 2'), [{ lower: { version: '2', inclusive: true }, upper: { version: '3', inclusive: false } }]);
    assert.deepEqual(requirementIntervals('~> 5.0.0.beta1'), [
      { lower: { version: '5.0.0.beta1', inclusive: true }, upper: { version: '5.1', inclusive: false } },
    ]);
  });

  it('intersects comma-separated parts and unions the list', () => {
    assert.deepEqual(affectedGemRange(['~> 4.2.5, >= 4.2.5.1', '>= 5.0.1'], ['< 3.0']), {
      type: 'ECOSYSTEM',
      events: [{ introduced: '3.0' }, { fixed: '4.2.5.1' }, { introduced: '4.3' }, { fixed: '5.0.1' }],
    });
    assert.deepEqual(affectedGemRange(['> 2.0'], []), { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { last_affected: '2.0' }] });
    assert.deepEqual(affectedGemRange(['!= 1.5'], []), { type: 'ECOSYSTEM', events: [{ introduced: '1.5' }, { last_affected: '1.5' }] });
    assert.deepEqual(affectedGemRange([], []), { type: 'ECOSYSTEM', events: [{ introduced: '0' }] });
    assert.deepEqual(affectedGemRange(['>= 1.0', 'about 2'], []), { unparsable: 'about 2' });
  });
});

describe('rubysec source', () => {
  it('reads every gem advisory of the real data (and no interpreter advisory)', async () => {
    const root = vulndata('ruby-advisory-db');
    assert.equal(await rubysecSource.detect(root), true);
    const { records, skipped } = await collect(rubysecSource, root);
    assert.deepEqual(skipped, []);
    const gemFiles = readdirSync(join(root, 'gems'), { recursive: true }).filter((name) => String(name).endsWith('.yml'));
    assert.equal(records.length, gemFiles.length);
    const rack = records.find((record) => record.advisory.id === 'CVE-2013-0183');
    assert.deepEqual(rack?.advisory.aliases, ['GHSA-3pxh-h8hw-mj8w', 'OSVDB-89320']);
    assert.deepEqual(rack?.affected, [
      {
        advisoryId: 'CVE-2013-0183',
        ecosystem: 'RubyGems',
        name: 'rack',
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.3.8' }, { introduced: '1.4' }, { fixed: '1.4.3' }] }],
        versions: [],
      },
    ]);
  });

  it('skips unreadable advisories naming the file', async () => {
    const { records, skipped } = await collect(rubysecSource, testdata('malformed'));
    assert.deepEqual(records.map((record) => [record.advisory.id, record.advisory.aliases, record.affected[0]?.ranges[0]?.events]), [
      [
        'CVE-2099-4000',
        ['GHSA-xxxx-yyyy-zzzz'],
        [{ introduced: '1.0' }, { fixed: '1.2.3' }, { introduced: '1.3' }, { fixed: '1.3.1' }],
      ],
    ]);
    assert.deepEqual(
      skipped.map((entry) => [entry.file.replace(/^.*\//, ''), entry.reason]),
      [
        ['CVE-2099-4001.yml', 'cannot read the RubyGems requirement "about 1.2"'],
        ['CVE-2099-4002.yml', 'gem: missing; patched_versions: must be a list of strings'],
      ],
    );
  });
});
