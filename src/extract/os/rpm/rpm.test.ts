import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, before, describe, it } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { rpmExtractor } from './index.ts';
import { parseSourceRpm } from './package.ts';
import { helloRpmdb, type RpmdbFixture } from './rpmdb-fixture.ts';

const DATABASE = 'var/lib/rpm/rpmdb.sqlite';

/** Builds a header blob from (tag, type, count, data) entries, laid out one after another. */
function encodeHeader(entries: Array<{ tag: number; type: number; count: number; data: Buffer }>): Buffer {
  const index = Buffer.alloc(entries.length * 16);
  let offset = 0;
  entries.forEach((entry, position) => {
    index.writeInt32BE(entry.tag, position * 16);
    index.writeUInt32BE(entry.type, position * 16 + 4);
    index.writeInt32BE(offset, position * 16 + 8);
    index.writeUInt32BE(entry.count, position * 16 + 12);
    offset += entry.data.length;
  });
  const head = Buffer.alloc(8);
  head.writeUInt32BE(entries.length, 0);
  head.writeUInt32BE(offset, 4);
  return Buffer.concat([head, index, ...entries.map((entry) => entry.data)]);
}
const str = (tag: number, value: string | Buffer) => ({ tag, type: 6, count: 1, data: Buffer.concat([Buffer.from(value), Buffer.from([0])]) });
const nevra = (name: string | Buffer) => [str(1000, name), str(1001, '1.0'), str(1002, '1.el9')];

/** An SQLite database made by `setup`, returned as file bytes. */
async function sqliteWith(setup: (db: DatabaseSync) => void): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'portcullis-rpm-test-'));
  try {
    const file = join(dir, 'rpmdb.sqlite');
    const db = new DatabaseSync(file);
    setup(db);
    db.close();
    return await readFile(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
/** An rpm SQLite database (Packages table as rpm creates it) holding `blobs`. */
const rpmdbWith = (blobs: Array<Uint8Array | string>) =>
  sqliteWith((db) => {
    db.exec("CREATE TABLE 'Packages' (hnum INTEGER PRIMARY KEY AUTOINCREMENT, blob BLOB NOT NULL)");
    const insert = db.prepare('INSERT INTO Packages (blob) VALUES (?)');
    db.exec('BEGIN');
    for (const blob of blobs) insert.run(blob);
    db.exec('COMMIT');
  });

describe('os/rpm fileRequired', () => {
  it('accepts the SQLite databases only', () => {
    for (const path of [DATABASE, 'usr/lib/sysimage/rpm/rpmdb.sqlite']) assert.equal(rpmExtractor.fileRequired({ path, size: 1, mode: 0o644 }), true, path);
    const rejected = ['var/lib/rpm/Packages', 'var/lib/rpm/Packages.db', 'var/lib/rpm/rpmdb.sqlite-wal', 'usr/lib/sysimage/rpm/Packages.db', 'x/var/lib/rpm/rpmdb.sqlite'];
    for (const path of rejected) assert.equal(rpmExtractor.fileRequired({ path, size: 1, mode: 0o644 }), false, path);
  });
});

describe('os/rpm on a database built by rpm', () => {
  let fixture: RpmdbFixture;
  let bytes: Buffer;
  before(async () => {
    fixture = await helloRpmdb();
    bytes = await readFile(join(fixture.dbPath, 'rpmdb.sqlite'));
  });

  it('reports what rpm -qa reports: name, epoch, version, release, arch, source RPM, license', async () => {
    const expected = (await fixture.query('%{NAME}\t%{EPOCHNUM}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{SOURCERPM}\t%{LICENSE}\t%{VENDOR}\t%{URL}')).sort();
    assert.equal(expected.length, 2);
    for (const path of [DATABASE, 'usr/lib/sysimage/rpm/rpmdb.sqlite']) {
      const { result, warnings } = await runExtractor(rpmExtractor, path, bytes);
      assert.deepEqual(warnings, []);
      const actual = result.packages
        .map((pkg) => [pkg.name, pkg.epoch, pkg.version, pkg.release, pkg.arch, pkg.metadata?.sourceRpm, pkg.licenses?.join('|'), pkg.metadata?.vendor, pkg.metadata?.homepage].join('\t'))
        .sort();
      assert.deepEqual(actual, expected);
      assert.ok(result.packages.every((pkg) => pkg.type === 'rpm' && pkg.locations[0] === path));
    }
  });

  it('derives the source package from the source RPM file name', async () => {
    const { result } = await runExtractor(rpmExtractor, DATABASE, bytes);
    const sources = await fixture.query('%{NAME}\t%{SOURCERPM}');
    for (const line of sources) {
      const [name, sourceRpm] = line.split('\t');
      const pkg = result.packages.find((candidate) => candidate.name === name);
      // "portcullis-hello-1.2.3-4.fc40.src.rpm" = name-version-release.src.rpm
      assert.equal(`${pkg?.sourceName}-${pkg?.sourceVersion}.src.rpm`, sourceRpm);
      assert.equal(pkg?.sourceName, 'portcullis-hello');
    }
  });

  it('lists the files rpm -ql lists for each package', async () => {
    const { result } = await runExtractor(rpmExtractor, DATABASE, bytes);
    const actual = (result.fileOwnership ?? []).flatMap((ownership) => ownership.paths.map((path) => `${ownership.name}\t/${path}`)).sort();
    // %{=NAME} repeats the package name on every line of the file-name array.
    const expected = (await fixture.query('[%{=NAME}\t%{FILENAMES}\n]')).sort();
    assert.equal(expected.length, 3);
    assert.deepEqual(actual, expected);
  });

  it('keeps the packages of a database whose header is corrupted in one row', async () => {
    const db = new DatabaseSync(join(fixture.dbPath, 'rpmdb.sqlite'), { readOnly: true });
    const blobs = db.prepare('SELECT blob FROM Packages ORDER BY hnum').all().map((row) => row.blob as Uint8Array);
    db.close();
    const broken = Buffer.from(blobs[0]!);
    broken.writeUInt32BE(0x0000ff00, 0); // index count pointing far past the end
    const { result, warnings } = await runExtractor(rpmExtractor, DATABASE, await rpmdbWith([broken, blobs[1]!]));
    assert.equal(result.packages.length, 1);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /header 1: rpm header: 65280 entries/);
  });

  it('refuses a database cut short, keeping the warning clear', async () => {
    const { result, warnings } = await runExtractor(rpmExtractor, DATABASE, bytes.subarray(0, 8192));
    assert.deepEqual(result.packages, []);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /malformed|not a database|no Packages table/);
  });
});

describe('os/rpm header blobs', () => {
  it('skips gpg-pubkey pseudo-packages', async () => {
    const { result, warnings } = await runExtractor(rpmExtractor, DATABASE, await rpmdbWith([encodeHeader(nevra('gpg-pubkey')), encodeHeader(nevra('bash'))]));
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['bash']);
    assert.deepEqual(warnings, []);
    assert.deepEqual(result.packages[0]?.licenses, []);
    assert.equal(result.packages[0]?.sourceName, 'bash');
    assert.equal(result.packages[0]?.sourceVersion, '1.0-1.el9');
  });

  const int32s = (tag: number, values: number[]) => {
    const data = Buffer.alloc(values.length * 4);
    values.forEach((value, index) => data.writeUInt32BE(value, index * 4));
    return { tag, type: 4, count: values.length, data };
  };
  const strings = (tag: number, values: string[]) => ({ tag, type: 8, count: values.length, data: Buffer.from(values.map((value) => `${value}\0`).join('')) });

  const hostile: Array<[string, Buffer, RegExp]> = [
    ['a blob shorter than its framing', Buffer.from([0, 0, 0]), /too short/],
    ['an index count of zero', Buffer.alloc(8), /bad index entry count 0/],
    ['an index count past the end', (() => { const blob = encodeHeader(nevra('x')); blob.writeUInt32BE(1000, 0); return blob; })(), /1000 entries/],
    ['a data length past the end', (() => { const blob = encodeHeader(nevra('x')); blob.writeUInt32BE(0x0fffffff, 4); return blob; })(), /need \d+ bytes/],
    ['a data length over rpm\'s limit', (() => { const blob = encodeHeader(nevra('x')); blob.writeUInt32BE(0xffffffff, 4); return blob; })(), /bad data length/],
    ['an offset outside the data store', (() => { const blob = encodeHeader(nevra('x')); blob.writeInt32BE(1_000_000, 8 + 8); return blob; })(), /outside the \d+-byte data store/],
    ['a negative offset', (() => { const blob = encodeHeader(nevra('x')); blob.writeInt32BE(-4, 8 + 8); return blob; })(), /outside/],
    ['an unknown tag type', (() => { const blob = encodeHeader(nevra('x')); blob.writeUInt32BE(77, 8 + 4); return blob; })(), /unknown type 77/],
    ['a blob cut short', (() => { const blob = encodeHeader(nevra('x')); return blob.subarray(0, blob.length - 1); })(), /need \d+ bytes/],
    ['a string without its NUL', encodeHeader([str(1000, 'x'), str(1001, '1'), { tag: 1002, type: 6, count: 1, data: Buffer.from('1.el9') }]), /runs past the data store/],
    ['a name that is not UTF-8', encodeHeader(nevra(Buffer.from([0xff, 0xfe]))), /not valid UTF-8/],
    ['a name of the wrong type', encodeHeader([int32s(1000, [1]), str(1001, '1'), str(1002, '1')]), /not a string/],
    ['a missing release', encodeHeader([str(1000, 'x'), str(1001, '1')]), /RELEASE missing/],
    ['a string array count larger than the store', encodeHeader([...nevra('x'), { ...strings(1117, ['a']), count: 0xffffffff }]), /claims 4294967295 strings/],
    ['an INT32 count past the store', encodeHeader([...nevra('x'), { ...int32s(1003, [1]), count: 0x40000000 }]), /INT32 values past/],
    ['file names without directory indexes', encodeHeader([...nevra('x'), strings(1117, ['a', 'b']), strings(1118, ['/usr/']), int32s(1116, [0])]), /2 file names but 1 directory indexes/],
    ['a directory index out of range', encodeHeader([...nevra('x'), strings(1117, ['a']), strings(1118, ['/usr/']), int32s(1116, [7])]), /refers to directory 7 of 1/],
  ];
  for (const [what, blob, message] of hostile) {
    it(`warns about ${what} and keeps the other packages`, async () => {
      const { result, warnings } = await runExtractor(rpmExtractor, DATABASE, await rpmdbWith([blob, encodeHeader(nevra('survivor'))]));
      assert.deepEqual(result.packages.map((pkg) => pkg.name), ['survivor']);
      assert.equal(warnings.length, 1, warnings.join('\n'));
      assert.match(warnings[0] ?? '', message);
    });
  }

  it('caps the warnings of a database full of bad headers', async () => {
    const blobs = [...Array.from({ length: 200 }, () => Buffer.alloc(4)), encodeHeader(nevra('survivor'))];
    const { result, warnings } = await runExtractor(rpmExtractor, DATABASE, await rpmdbWith(blobs));
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['survivor']);
    assert.equal(warnings.length, 51);
    assert.match(warnings[50] ?? '', /^150 more problem\(s\) not listed$/);
  });

  it('reads a compressed file list and an epoch from a hand-built header', async () => {
    const blob = encodeHeader([...nevra('tool'), int32s(1003, [2]), strings(1117, ['tool', 'tool.1.gz']), strings(1118, ['/usr/bin/', '/usr/share/man/man1/']), int32s(1116, [0, 1])]);
    const { result } = await runExtractor(rpmExtractor, DATABASE, await rpmdbWith([blob]));
    assert.equal(result.packages[0]?.epoch, 2);
    assert.deepEqual(result.fileOwnership, [{ type: 'rpm', name: 'tool', paths: ['usr/bin/tool', 'usr/share/man/man1/tool.1.gz'] }]);
  });
});

describe('os/rpm hostile databases', () => {
  const tempDirs = async () => (await import('node:fs/promises')).readdir(tmpdir()).then((names) => names.filter((name) => name.startsWith('portcullis-rpmdb-')));
  let before_: string[] = [];
  before(async () => {
    before_ = await tempDirs();
  });
  after(async () => {
    assert.deepEqual(await tempDirs(), before_, 'temporary rpmdb copies were left behind');
  });

  it('rejects bytes that are not SQLite, or SQLite junk, with a warning', async () => {
    for (const content of [Buffer.from('not a database at all'), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0x41)]), Buffer.alloc(0)]) {
      const { result, warnings } = await runExtractor(rpmExtractor, DATABASE, content);
      assert.deepEqual(result.packages, []);
      assert.equal(warnings.length, 1);
    }
  });

  it('rejects an SQLite database without a Packages table', async () => {
    const { warnings } = await runExtractor(rpmExtractor, DATABASE, await sqliteWith((db) => db.exec('CREATE TABLE other (x)')));
    assert.match(warnings[0] ?? '', /no Packages table/);
  });

  it('does not evaluate a Packages view (it could loop forever)', async () => {
    const endless = await sqliteWith((db) =>
      db.exec('CREATE VIEW Packages AS WITH RECURSIVE n(hnum) AS (SELECT 1 UNION ALL SELECT hnum + 1 FROM n) SELECT hnum, zeroblob(8) AS blob FROM n'),
    );
    const { result, warnings } = await runExtractor(rpmExtractor, DATABASE, endless);
    assert.deepEqual(result.packages, []);
    assert.match(warnings[0] ?? '', /no Packages table/);
  });

  it('skips rows whose blob is text', async () => {
    const { result, warnings } = await runExtractor(rpmExtractor, DATABASE, await rpmdbWith(['text, not a header', encodeHeader(nevra('fine'))]));
    assert.deepEqual(result.packages.map((pkg) => pkg.name), ['fine']);
    assert.match(warnings[0] ?? '', /header 1 is not a blob/);
  });

  it('reports a database over the file limit without reading it', async () => {
    const { result, warnings } = await runExtractor(rpmExtractor, DATABASE, await rpmdbWith([encodeHeader(nevra('x'))]), 1024);
    assert.deepEqual(result.packages, []);
    assert.match(warnings[0] ?? '', /limit/);
  });
});

describe('parseSourceRpm', () => {
  it('splits name-version-release.src.rpm', () => {
    assert.deepEqual(parseSourceRpm('bash-5.1.8-6.el9.src.rpm'), { name: 'bash', version: '5.1.8-6.el9' });
    assert.deepEqual(parseSourceRpm('python-pip-21.3.1-1.el9.nosrc.rpm'), { name: 'python-pip', version: '21.3.1-1.el9' });
    assert.equal(parseSourceRpm('bash.src.rpm'), undefined);
    assert.equal(parseSourceRpm('bash-1-2.noarch.rpm'), undefined);
  });
});
