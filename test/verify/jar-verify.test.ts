import { describe, expect, it } from 'vitest';
import { verifyJar } from '../../src/verify';
import { readZip } from '../../src/verify/jar/zip-reader';
import { jarCase, jarCases, jarTsaAnchors, jarVendorAnchors, readJarFixture } from '../helpers/jar-fixtures';

const subtle = globalThis.crypto.subtle;

async function run(name: string, options: { tsa?: boolean; time?: string } = {}) {
  const c = jarCase(name);
  return verifyJar({
    archive: readJarFixture(c.file),
    anchors: jarVendorAnchors(c.vendor),
    tsaAnchors: options.tsa === false ? [] : jarTsaAnchors(),
    time: new Date(options.time ?? c.time),
    subtle,
  });
}

describe('verifyJar', () => {
  describe('when given each jarsigner-made fixture', () => {
    for (const c of jarCases) {
      const expected = c.expectedError ?? `${c.expectedVerdict} ${c.expectedReasons.join(',')}`;
      it(`${c.name}: ${expected}`, async () => {
        const result = await run(c.name);
        if (c.expectedError) {
          expect(result).toMatchObject({ ok: false, code: c.expectedError });
          return;
        }
        if (!result.ok) throw new Error(`${c.name}: ${result.code} ${result.detail}`);
        expect(result.outcome.verdict).toBe(c.expectedVerdict);
        expect(result.outcome.reasons.map((r) => r.code)).toEqual(expect.arrayContaining(c.expectedReasons));
        if (c.expectedVerdict === 'trusted') expect(result.outcome.reasons).toEqual([]);
      });
    }
  });

  describe('when jarsigner -verify -strict refused a fixture', () => {
    for (const c of jarCases.filter((c) => c.jarsigner.strict === 'refuses')) {
      it(`${c.name}: is not trusted either`, async () => {
        const result = await run(c.name);
        if (result.ok) expect(result.outcome.verdict).not.toBe('trusted');
      });
    }
  });

  describe('when the compressed data of a signed entry is damaged', () => {
    it('rejects the JAR with ZIP_ENTRY_CORRUPT naming the entry', async () => {
      const archive = readJarFixture(jarCase('signed-rsa-trusted').file);
      const zip = readZip(archive);
      if (!zip.ok) throw new Error('the fixture must read');
      const entry = zip.entries.find((e) => e.name === 'NOTICE.txt');
      if (!entry) throw new Error('no NOTICE.txt');
      const at = entry.dataOffset + (entry.compressedSize >> 1);
      archive[at] = (archive[at] as number) ^ 0xff;
      const result = await verifyJar({
        archive,
        anchors: jarVendorAnchors('acme'),
        tsaAnchors: [],
        time: new Date('2026-06-01T00:00:00Z'),
        subtle,
      });
      if (!result.ok) throw new Error(result.code);
      expect(result.outcome.verdict).toBe('rejected');
      expect(result.outcome.reasons).toContainEqual({
        code: 'ZIP_ENTRY_CORRUPT',
        message: expect.stringContaining('NOTICE.txt'),
      });
    });
  });
});
