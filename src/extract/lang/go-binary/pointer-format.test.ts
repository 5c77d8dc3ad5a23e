import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runExtractor } from '../../testing.ts';
import { BuildInfoScanner, type ScanOutcome } from './buildinfo-scan.ts';
import { BUILDINFO_MAGIC } from './buildinfo.ts';
import { goBinaryExtractor } from './index.ts';

/*
 * The Go toolchain here (1.18+) writes only the inline format, so pre-1.18 binaries are laid out
 * by hand the way Go 1.13-1.17 linked them: strings in a read-only segment, the build info blob
 * at the start of the writable segment, pointing at string headers that point at the strings.
 */
const MODINFO = 'path\texample.com/old\nmod\texample.com/old\t(devel)\t\ndep\tgithub.com/pkg/errors\tv0.9.1\th1:abc=\n';
const START_SENTINEL = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END_SENTINEL = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const TEXT_VADDR = 0x400000;
const DATA_VADDR = 0x600000;

interface Layout {
  bigEndian?: boolean;
  /** Zero bytes between the strings and the data segment (the rest of read-only data). */
  gap?: number;
  /** Put the strings after the blob, in the data segment, instead of before it. */
  stringsAfter?: boolean;
  /** Point the version's string header somewhere unmapped. */
  unmappedVersion?: boolean;
}

function pointerFormatElf(layout: Layout = {}): Buffer {
  const be = layout.bigEndian === true;
  const u16 = (value: number) => { const b = Buffer.alloc(2); be ? b.writeUInt16BE(value) : b.writeUInt16LE(value); return b; };
  const u32 = (value: number) => { const b = Buffer.alloc(4); be ? b.writeUInt32BE(value) : b.writeUInt32LE(value); return b; };
  const u64 = (value: number) => { const b = Buffer.alloc(8); be ? b.writeBigUInt64BE(BigInt(value)) : b.writeBigUInt64LE(BigInt(value)); return b; };
  const version = Buffer.from('go1.16.15');
  const modinfo = Buffer.concat([START_SENTINEL, Buffer.from(MODINFO), END_SENTINEL]);
  const strings = Buffer.concat([version, modinfo]);

  const stringsAt = 0x100;
  const text = Buffer.alloc(stringsAt + (layout.stringsAfter ? 0 : strings.length) + (layout.gap ?? 0));
  if (!layout.stringsAfter) strings.copy(text, stringsAt);
  const dataOffset = Math.ceil(text.length / 16) * 16;
  const stringsVaddr = layout.stringsAfter ? DATA_VADDR + 64 : TEXT_VADDR + stringsAt;
  const data = Buffer.concat([
    BUILDINFO_MAGIC, Buffer.from([8, be ? 1 : 0]),
    u64(layout.unmappedVersion ? 0x9000000 : DATA_VADDR + 32), u64(DATA_VADDR + 48),
    u64(stringsVaddr), u64(version.length),
    u64(stringsVaddr + version.length), u64(modinfo.length),
    layout.stringsAfter ? strings : Buffer.alloc(0),
  ]);

  const header = Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, be ? 2 : 1, 1]), Buffer.alloc(9),
    u16(2), u16(62), u32(1), u64(0), u64(64), u64(0), u32(0), u16(64), u16(56), u16(2), u16(64), u16(0), u16(0),
  ]);
  const load = (flags: number, offset: number, vaddr: number, size: number) =>
    Buffer.concat([u32(1), u32(flags), u64(offset), u64(vaddr), u64(vaddr), u64(size), u64(size), u64(0x1000)]);
  const prologue = Buffer.concat([header, load(5, 0, TEXT_VADDR, dataOffset), load(6, dataOffset, DATA_VADDR, data.length)]);
  prologue.copy(text);
  return Buffer.concat([text, Buffer.alloc(dataOffset - text.length), data]);
}

function scan(bytes: Buffer, chunkSize: number, lookbehind?: number): ScanOutcome {
  const scanner = new BuildInfoScanner(lookbehind);
  for (let at = 0; at < bytes.length; at += chunkSize) {
    const outcome = scanner.push(bytes.subarray(at, at + chunkSize));
    if (outcome !== undefined) return outcome;
  }
  return scanner.finish();
}

describe('lang/go-binary on the pre-Go 1.18 pointer format', () => {
  for (const layout of [{}, { bigEndian: true }, { stringsAfter: true }, { gap: 100_000 }] as Layout[]) {
    it(`reads the strings through their addresses (${JSON.stringify(layout)})`, async () => {
      const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/old', pointerFormatElf(layout));
      assert.deepEqual(warnings, []);
      assert.deepEqual(result.packages.map((pkg) => [pkg.name, pkg.version, pkg.isRoot === true]), [
        ['example.com/old', '(devel)', true],
        ['github.com/pkg/errors', 'v0.9.1', false],
        ['stdlib', 'v1.16.15', false],
      ]);
      assert.equal(result.packages[0]?.metadata?.goVersion, 'go1.16.15');
    });
  }

  it('gives the same answer whatever the chunk size', () => {
    for (const layout of [{}, { stringsAfter: true }] as Layout[]) {
      const bytes = pointerFormatElf(layout);
      const whole = scan(bytes, bytes.length);
      assert.equal(whole.kind, 'found');
      for (const size of [1, 3, 16, 100]) assert.deepEqual(scan(bytes, size), whole, `chunk size ${size}`);
    }
  });

  it('reports strings further back than the look-behind window as out of reach', () => {
    const outcome = scan(pointerFormatElf({ gap: 256 * 1024 }), 1024, 4 * 1024);
    assert.equal(outcome.kind, 'invalid');
    assert.match((outcome as { reason: string }).reason, /toolchain version lies out of reach/);
  });

  it('warns, naming the file, about an address outside every segment', async () => {
    const { result, warnings } = await runExtractor(goBinaryExtractor, 'bin/odd', pointerFormatElf({ unmappedVersion: true }));
    assert.deepEqual(result.packages, []);
    assert.match(warnings.join('\n'), /^bin\/odd: Go build info at offset \d+ not read: toolchain version string header address 0x9000000 is not in the file$/);
  });

  it('warns about a file cut before the strings the blob points to', async () => {
    const bytes = pointerFormatElf({ stringsAfter: true });
    const { warnings } = await runExtractor(goBinaryExtractor, 'bin/cut', bytes.subarray(0, bytes.length - 20));
    assert.match(warnings.join('\n'), /bin\/cut: Go build info at offset \d+ is cut short/);
  });
});
