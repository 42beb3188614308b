import { unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { verifyJar } from '../../src/verify';
import { parseCmsEnvelope } from '../../src/verify/cms-envelope';
import { readEntryData } from '../../src/verify/jar/entry-data';
import { readZip } from '../../src/verify/jar/zip-reader';
import { jarCase, jarTsaAnchors, jarVendorAnchors, readJarFixture } from '../helpers/jar-fixtures';

const subtle = globalThis.crypto.subtle;
const ERROR_CODES = ['ARCHIVE_UNREADABLE', 'ARCHIVE_LIMIT_EXCEEDED', 'SIGNERS_LIMIT', 'SIGNATURE_UNREADABLE'];

/** A small deterministic generator, so that a failure names the mutation that made it. */
function lcg(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function contents(archive: Uint8Array): Map<string, string> | null {
  const zip = readZip(archive);
  if (!zip.ok) return null;
  const out = new Map<string, string>();
  for (const entry of zip.entries) {
    const data = readEntryData(archive, entry);
    if (!data.ok) return null;
    out.set(entry.name, Buffer.from(data.bytes).toString('base64'));
  }
  return out;
}

describe('verifyJar on mutated archives', () => {
  const original = readJarFixture(jarCase('signed-timestamped-trusted').file);
  const originalContents = contents(original);
  const verify = (archive: Uint8Array) =>
    verifyJar({
      archive,
      anchors: jarVendorAnchors('acme'),
      tsaAnchors: jarTsaAnchors(),
      time: new Date('2026-06-01T00:00:00Z'),
      subtle,
    });

  describe('when one byte anywhere is changed', () => {
    it('never throws, and trusts only archives whose entries are byte for byte the signed ones', async () => {
      const random = lcg(8);
      for (let i = 0; i < 150; i++) {
        const mutated = new Uint8Array(original);
        const at = Math.floor(random() * mutated.length);
        mutated[at] = (mutated[at] as number) ^ (1 + Math.floor(random() * 255));
        const result = await verify(mutated);
        if (!result.ok) {
          expect(ERROR_CODES, `offset ${at}`).toContain(result.code);
          continue;
        }
        if (result.outcome.verdict === 'trusted')
          expect(contents(mutated), `offset ${at}`).toEqual(originalContents);
      }
    }, 60_000);
  });

  describe('when the archive is cut short', () => {
    it('never throws and never trusts', async () => {
      for (const length of [
        0,
        1,
        4,
        22,
        100,
        original.length >> 1,
        original.length - 23,
        original.length - 1,
      ]) {
        const result = await verify(original.subarray(0, length));
        if (result.ok) expect(result.outcome.verdict, `length ${length}`).not.toBe('trusted');
        else expect(ERROR_CODES).toContain(result.code);
      }
    });
  });

  describe('when one bit of the PKCS#7 block changes', () => {
    // Regression: asn1js.fromBER threw ("Wrong input string for conversion") on some of these when it read
    // the envelope, which /verify answered with a 500 for CMS and JAR alike.
    it('the envelope reader answers instead of throwing when an OID length byte changes', () => {
      const block = unzipSync(original)['META-INF/SIGNER.RSA'] as Uint8Array;
      // The throws seen come from OID lengths (03, 09) shortened by one: try those bytes.
      for (let at = 0; at < block.length; at++) {
        if (block[at] !== 0x03 && block[at] !== 0x09) continue;
        const mutated = new Uint8Array(block);
        mutated[at] = (mutated[at] as number) ^ 0x01;
        parseCmsEnvelope(mutated);
      }
    });
  });

  describe('when one bit of the PKCS#7 block changes and the archive is rebuilt around it', () => {
    it('trusts only the same signer, at the same anchor, with the timestamp checked or absent', async () => {
      const files = unzipSync(original);
      const block = files['META-INF/SIGNER.RSA'] as Uint8Array;
      const baseline = await verify(original);
      if (!baseline.ok) throw new Error('the fixture must verify');
      for (let at = 0; at < block.length; at += 17) {
        const mutated = new Uint8Array(block);
        mutated[at] = (mutated[at] as number) ^ 0x01;
        let result: Awaited<ReturnType<typeof verify>>;
        try {
          result = await verify(zipSync({ ...files, 'META-INF/SIGNER.RSA': mutated }));
        } catch {
          continue; // the envelope reader's throw, pinned by the expected-fail test above
        }
        if (!result.ok || result.outcome.verdict !== 'trusted') continue;
        expect(result.outcome.signer?.sha256, `offset ${at}`).toBe(baseline.outcome.signer?.sha256);
        expect(result.outcome.anchorId, `offset ${at}`).toBe(baseline.outcome.anchorId);
      }
    }, 60_000);
  });
});
