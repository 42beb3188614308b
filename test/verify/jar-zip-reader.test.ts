import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readEntryData } from '../../src/verify/jar/entry-data';
import { DEFAULT_ARCHIVE_LIMITS, readZip } from '../../src/verify/jar/zip-reader';

const text = (s: string) => new TextEncoder().encode(s);
const zeros = (n: number) => new Uint8Array(n);

/** Offsets of the central directory header and local header of the first entry of an fflate zip. */
function headersOf(zip: Uint8Array) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  let eocd = zip.length - 22;
  while (view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  const cd = view.getUint32(eocd + 16, true);
  return { view, cd, local: view.getUint32(cd + 42, true) };
}

describe('readZip', () => {
  describe('when the archive is well formed', () => {
    it('lists every entry with its declared sizes', () => {
      const zip = zipSync({ 'a.txt': text('hello'), 'dir/b.bin': zeros(1000) });
      const result = readZip(zip);
      expect(result.ok).toBe(true);
      if (!result.ok) return;
      expect(result.entries.map((e) => [e.name, e.uncompressedSize])).toEqual([
        ['a.txt', 5],
        ['dir/b.bin', 1000],
      ]);
      const entry = result.entries[1];
      if (!entry) throw new Error('no entry');
      expect(readEntryData(zip, entry)).toEqual({ ok: true, bytes: zeros(1000) });
    });
  });

  describe('when an entry declares more than the compression ratio allows', () => {
    it('refuses the archive with ARCHIVE_LIMIT_EXCEEDED before inflating anything', () => {
      const zip = zipSync({ 'bomb.bin': zeros(4 * 1024 * 1024) }, { level: 9 });
      expect(readZip(zip)).toMatchObject({ ok: false, code: 'ARCHIVE_LIMIT_EXCEEDED' });
    });
  });

  describe('when the entries declare more than the total size limit', () => {
    it('refuses the archive with ARCHIVE_LIMIT_EXCEEDED', () => {
      const zip = zipSync({ 'a.bin': zeros(600_000), 'b.bin': zeros(600_000) });
      const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxTotalUncompressedBytes: 1_000_000 };
      expect(readZip(zip, limits)).toMatchObject({ ok: false, code: 'ARCHIVE_LIMIT_EXCEEDED' });
    });
  });

  describe('when the archive has more entries than the limit', () => {
    it('refuses it with ARCHIVE_LIMIT_EXCEEDED', () => {
      const files = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`f${i}`, text('x')]));
      const limits = { ...DEFAULT_ARCHIVE_LIMITS, maxEntries: 10 };
      expect(readZip(zipSync(files), limits)).toMatchObject({ ok: false, code: 'ARCHIVE_LIMIT_EXCEEDED' });
    });
  });

  describe('when an entry inflates to more than it declares', () => {
    it('stops inflating and reports the entry as corrupt', () => {
      const zip = zipSync({ 'lie.bin': zeros(200_000) });
      const { view, cd, local } = headersOf(zip);
      view.setUint32(cd + 24, 1000, true); // central directory: uncompressed size
      view.setUint32(local + 22, 1000, true); // local header agrees, so only inflating finds the lie
      const result = readZip(zip);
      if (!result.ok) throw new Error(JSON.stringify(result));
      const entry = result.entries[0];
      if (!entry) throw new Error('no entry');
      expect(readEntryData(zip, entry)).toMatchObject({
        ok: false,
        problem: expect.stringContaining('more than'),
      });
    });
  });

  describe('when the local header disagrees with the central directory', () => {
    it('rejects the archive with ZIP_HEADER_MISMATCH', () => {
      const zip = zipSync({ 'a.txt': text('hello') });
      const { view, local } = headersOf(zip);
      view.setUint32(local + 18, 4, true); // compressed size in the local header only
      expect(readZip(zip)).toMatchObject({
        ok: false,
        kind: 'rejected',
        reasons: [expect.objectContaining({ code: 'ZIP_HEADER_MISMATCH' })],
      });
    });
  });

  describe('when an entry name climbs out of the target folder', () => {
    it('rejects the archive with ZIP_ENTRY_NAME_INVALID', () => {
      const zip = zipSync({ '../evil.sh': text('rm -rf /') });
      expect(readZip(zip)).toMatchObject({
        ok: false,
        reasons: [expect.objectContaining({ code: 'ZIP_ENTRY_NAME_INVALID' })],
      });
    });
  });

  describe('when bytes are not a ZIP', () => {
    it('refuses them with ARCHIVE_UNREADABLE', () => {
      expect(readZip(text('PK\u0003\u0004 not really a zip at all'))).toMatchObject({
        ok: false,
        code: 'ARCHIVE_UNREADABLE',
      });
    });
  });

  describe('when a thousand entries each have an unsafe name (attack: one reason per entry, a verdict as large as the archive)', () => {
    it('lists the first 100 and counts the rest in one more reason', () => {
      const files = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`../f${i}`, text('x')]));
      const result = readZip(zipSync(files));
      if (result.ok || result.kind !== 'rejected') throw new Error('expected a rejection');
      expect(result.reasons).toHaveLength(101);
      expect(result.reasons[100]).toEqual({
        code: 'ZIP_ENTRY_NAME_INVALID',
        message: '900 more problems in this archive are not listed',
      });
    });
  });
});
