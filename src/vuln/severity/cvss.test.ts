import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isPortcullisError } from '../../core/index.ts';
import { cvssScore } from './index.ts';

// Vectors and base scores published by FIRST: the CVSS v3.0/v3.1 "Examples" documents, the v2.0
// guide's worked examples (section 3.3) and the v4.0 specification's calculator examples.
const OFFICIAL: Array<[vector: string, version: string, score: number, level: string]> = [
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', '3.1', 6.1, 'MEDIUM'], // CVE-2013-1937 phpMyAdmin XSS
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N', '3.1', 6.4, 'MEDIUM'], // CVE-2013-0375 MySQL stored SQLi
  ['CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N', '3.1', 3.1, 'LOW'], // CVE-2014-3566 POODLE
  ['CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H', '3.1', 9.9, 'CRITICAL'], // CVE-2012-1516 VMware guest to host
  ['CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H', '3.1', 8.8, 'HIGH'], // CVE-2016-1645 Chrome PDFium
  ['CVSS:3.0/AV:L/AC:L/PR:H/UI:N/S:U/C:L/I:L/A:L', '3.0', 4.2, 'MEDIUM'], // CVE-2009-0783 Tomcat XML parser
  ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', '3.0', 7.5, 'HIGH'], // CVE-2014-0160 Heartbleed
  ['CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', '3.0', 9.8, 'CRITICAL'], // CVE-2014-6271 Shellshock
  ['AV:N/AC:L/Au:N/C:N/I:N/A:C', '2.0', 7.8, 'HIGH'], // CVE-2002-0392 Apache chunked encoding
  ['AV:N/AC:L/Au:N/C:C/I:C/A:C', '2.0', 10, 'HIGH'], // CVE-2003-0818 Windows ASN.1
  ['AV:L/AC:H/Au:N/C:C/I:C/A:C', '2.0', 6.2, 'MEDIUM'], // CVE-2003-0062 NOD32
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 9.3, 'CRITICAL'],
  ['CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', '4.0', 8.5, 'HIGH'], // CVE-2022-41741 nginx
  ['CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N', '4.0', 0, 'NONE'],
];

describe('cvssScore', () => {
  for (const [vector, version, score, level] of OFFICIAL) {
    it(`scores ${vector} as ${score}`, () => {
      assert.deepEqual(cvssScore(vector), { version, baseScore: score, severity: level });
    });
  }

  it('scores the base metrics only, whatever threat or temporal metrics follow', () => {
    assert.equal(cvssScore('CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U').baseScore, 9.3);
    assert.equal(cvssScore('CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O').baseScore, 9.8);
  });

  it('keeps v3.0 apart from v3.1 and accepts v2 vectors wrapped in parentheses', () => {
    assert.equal(cvssScore('CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H').version, '3.0');
    assert.equal(cvssScore('(AV:N/AC:L/Au:N/C:N/I:N/A:C)').baseScore, 7.8);
  });

  const MALFORMED: Array<[why: string, vector: string]> = [
    ['empty', ''],
    ['prose', 'high'],
    ['a missing base metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H'],
    ['an undefined base metric', 'CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['an unknown metric value', 'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['an unknown metric', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/ZZ:N'],
    ['a metric given twice', 'CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['a trailing slash', 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/'],
    ['an unknown version', 'CVSS:5.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['a prefix alone', 'CVSS:3.1'],
    ['v3 metrics without prefix', 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'],
    ['bad UTF-8 decoded', Buffer.from([0x41, 0x56, 0x3a, 0xff, 0xfe]).toString('utf8')],
    ['an oversized vector', `CVSS:3.1/${'AV:N/'.repeat(10_000)}`],
  ];
  for (const [why, vector] of MALFORMED) {
    it(`rejects ${why} as INPUT`, () => {
      assert.throws(
        () => cvssScore(vector),
        (error: unknown) => isPortcullisError(error) && error.code === 'INPUT' && /malformed CVSS vector/.test(error.message),
      );
    });
  }
});
