/**
 * Authenticode cabinets: the digest against osslsigncode's, verdicts on the osslsigncode-made fixtures
 * (test/fixtures/authenticode/optional), and hostile cabinets made by byte edits in-process, each named
 * for the attack it tries. A malformed cabinet is a rejected verdict; a limit exceeded is a request error.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes, toHex } from '../../../src/encoding';
import {
  looksLikeCab,
  looksLikePe,
  nobleDigestParts,
  type VerifyAuthenticodeRequest,
  verifyAuthenticode,
  verifyCabinet,
} from '../../../src/verify/authenticode';
import { cabDigestParts, readCabLayout } from '../../../src/verify/authenticode/cab';
import {
  authenticodeExpected,
  authenticodeFixture,
  authenticodeStoreAnchors,
  readAuthenticodeFixture,
} from '../../helpers/authenticode-fixtures';
import { LATER, tlv } from '../path/cert-factory';
import { anchorsOf, makePki, type Pki, signImage } from './pe-builder';

const expected = authenticodeExpected;
const fixture = authenticodeFixture;
const read = readAuthenticodeFixture;
const roots = authenticodeStoreAnchors;
const anchors = roots('acme');
const time = new Date(expected.verifyTime);
const subtle = globalThis.crypto.subtle;

const SIGNED = read('optional/signed-sha256.cab');
const UNSIGNED = read('optional/unsigned.cab');
const OID_SPC_CAB_DATA = '1.3.6.1.4.1.311.2.1.25';
/** The "<<<Obsolete>>>" SpcLink signing tools put in SPC_CAB_DATA_OBJ: [2] { [0] BMPString }. */
const OBSOLETE_LINK = tlv(
  0xa2,
  tlv(0x80, new Uint8Array([...'<<<Obsolete>>>'].flatMap((c) => [0, c.charCodeAt(0)]))),
);

const run = (image: Uint8Array, extra: Partial<VerifyAuthenticodeRequest> = {}) =>
  verifyCabinet({ image, anchors, time, subtle, ...extra });
async function outcome(image: Uint8Array, extra: Partial<VerifyAuthenticodeRequest> = {}) {
  const result = await run(image, extra);
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.outcome;
}
const codes = (o: { reasons: { code: string }[] }) => o.reasons.map((r) => r.code);
const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const edit = (b: Uint8Array, change: (v: DataView, b: Uint8Array) => void) => {
  const copy = b.slice();
  change(view(copy), copy);
  return copy;
};
const sigPos = (b: Uint8Array) => view(b).getUint32(44, true);
const sigLen = (b: Uint8Array) => view(b).getUint32(48, true);
/** The signed cabinet's embedded PKCS#7 (DER, without its zero padding). */
const embedded = (b: Uint8Array) => {
  const blob = b.subarray(sigPos(b), sigPos(b) + sigLen(b));
  const length = (blob[2] as number) * 256 + (blob[3] as number) + 4; // 30 82 xx xx
  return blob.slice(0, length);
};
/** `cab` (signed form) with its signature replaced by `der`, zero-padded to 8 bytes as signing tools do. */
function withSignature(cab: Uint8Array, der: Uint8Array): Uint8Array {
  const padded = concatBytes(der, new Uint8Array((8 - (der.length % 8)) % 8));
  const out = concatBytes(cab.subarray(0, sigPos(cab)), padded);
  view(out).setUint32(48, padded.length, true);
  return out;
}
const cabDigest = async (b: Uint8Array, hash: 'SHA-256' | 'SHA-384' = 'SHA-256') => {
  const layout = readCabLayout(b, { maxEntryBytes: 1 << 20 });
  if (!layout.ok) throw new Error(JSON.stringify(layout));
  return nobleDigestParts(hash, cabDigestParts(b, layout.layout));
};

describe('cabinet digest against osslsigncode', () => {
  it('equals "Calculated message digest" for optional/signed-sha256.cab', async () => {
    const want = fixture('optional-signed-sha256-cab').osslsigncode.calculatedMessageDigest?.[0];
    expect(want).toMatch(/^[0-9A-F]{64}$/);
    expect(toHex(await cabDigest(SIGNED)).toUpperCase()).toBe(want);
  });

  it('the unsigned cabinet hashes as the same cabinet once signed (header grown by 24 bytes)', async () => {
    expect(toHex(await cabDigest(UNSIGNED))).toBe(toHex(await cabDigest(SIGNED)));
  });

  it('looksLikeCab: "MSCF" only; a cabinet is not a PE and the reverse', () => {
    expect(looksLikeCab(SIGNED)).toBe(true);
    expect(looksLikeCab(UNSIGNED)).toBe(true);
    expect(looksLikeCab(new TextEncoder().encode('MSC'))).toBe(false);
    expect(looksLikePe(SIGNED)).toBe(false);
    expect(looksLikeCab(read('signed/pe32plus-sha256.efi'))).toBe(false);
  });
});

describe('verdicts on the osslsigncode cabinets', () => {
  it('the signed cabinet is trusted (osslsigncode: Succeeded), one signature "1"', async () => {
    expect(fixture('optional-signed-sha256-cab').osslsigncode.exitCode).toBe(0);
    const o = await outcome(SIGNED);
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => [s.id, s.verdict, s.digestAlgorithm])).toEqual([
      ['1', 'trusted', 'SHA-256'],
    ]);
    expect(o.signer?.subject).toContain('Acme Widget Authenticode Signing');
  });

  it('the unsigned cabinet is AUTHENTICODE_UNSIGNED (osslsigncode: "No signature found")', async () => {
    expect(fixture('optional-unsigned-cab').osslsigncode.exitCode).toBe(1);
    const o = await outcome(UNSIGNED);
    expect(o.verdict).toBe('rejected');
    expect(codes(o)).toEqual(['AUTHENTICODE_UNSIGNED']);
  });

  it('the extracted signature verifies the unsigned cabinet, listed as "given" (osslsigncode refuses -sigin here)', async () => {
    const o = await outcome(UNSIGNED, { signature: embedded(SIGNED) });
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([['given', 'trusted']]);
  });

  it('and the signed cabinet with its own signature given too: both listed', async () => {
    const o = await outcome(SIGNED, { signature: embedded(SIGNED) });
    expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([
      ['1', 'trusted'],
      ['given', 'trusted'],
    ]);
  });

  it('verifyAuthenticode (PE) does not read a cabinet: AUTHENTICODE_PE_MALFORMED', async () => {
    const result = await verifyAuthenticode({ image: SIGNED, anchors, time, subtle });
    expect(result.ok && codes(result.outcome)).toEqual(['AUTHENTICODE_PE_MALFORMED']);
  });
});

describe('hostile cabinets (signed fixture edited in place)', () => {
  const malformed = async (bytes: Uint8Array, message: RegExp) => {
    const o = await outcome(bytes);
    expect(o.verdict).toBe('rejected');
    expect(codes(o)).toEqual(['AUTHENTICODE_CAB_MALFORMED']);
    expect(o.reasons[0]?.message).toMatch(message);
    expect(o.signatures).toBeUndefined();
  };

  it('changed file data (a bit flipped in the last CFDATA byte): AUTHENTICODE_IMAGE_HASH_MISMATCH', async () => {
    const o = await outcome(edit(SIGNED, (_v, b) => (b[sigPos(b) - 1] = (b[sigPos(b) - 1] as number) ^ 1)));
    expect(codes(o)).toEqual(['AUTHENTICODE_IMAGE_HASH_MISMATCH']);
  });

  it('changed signed header field (setID): AUTHENTICODE_IMAGE_HASH_MISMATCH', async () => {
    const o = await outcome(edit(SIGNED, (v) => v.setUint16(32, v.getUint16(32, true) ^ 1, true)));
    expect(codes(o)).toEqual(['AUTHENTICODE_IMAGE_HASH_MISMATCH']);
  });

  it("a signature from another file (the PE fixture's, given): AUTHENTICODE_CONTENT_INVALID (data type is PE)", async () => {
    const o = await outcome(SIGNED, { signature: read('extracted/pe32plus-sha256.p7s.der') });
    expect(o.verdict).toBe('rejected');
    expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([
      ['1', 'trusted'],
      ['given', 'rejected'],
    ]);
    expect(o.reasons[0]?.code).toBe('AUTHENTICODE_CONTENT_INVALID');
    expect(o.reasons[0]?.message).toMatch(/not SPC_CAB_DATA_OBJ/);
  });

  it("the cabinet's signature transplanted onto a PE: AUTHENTICODE_CONTENT_INVALID (data type is CAB)", async () => {
    const result = await verifyAuthenticode({
      image: read('extracted/pe32plus-sha256-signature-removed.efi'),
      signature: embedded(SIGNED),
      anchors,
      time,
      subtle,
    });
    expect(result.ok && codes(result.outcome)).toEqual(['AUTHENTICODE_CONTENT_INVALID']);
  });

  it('unsigned bytes smuggled after the signature: refused (must end the file)', async () => {
    await malformed(concatBytes(SIGNED, new TextEncoder().encode('payload!')), /bytes follow the signature/);
  });

  it('signature moved (offset shifted by 8, size kept): refused', async () => {
    await malformed(
      edit(SIGNED, (v) => v.setUint32(44, sigPos(SIGNED) + 8, true)),
      /runs past the end of the file/,
    );
  });

  it('signature offset pointing into the CFHEADER: refused', async () => {
    await malformed(
      edit(SIGNED, (v) => {
        v.setUint32(44, 40, true);
        v.setUint32(48, SIGNED.length - 40, true);
      }),
      /inside the CFHEADER/,
    );
  });

  it('signature offset moved earlier, so data bytes become "signature" (cbCabinet disagrees): refused', async () => {
    await malformed(
      edit(SIGNED, (v) => {
        v.setUint32(44, sigPos(SIGNED) - 8, true);
        v.setUint32(48, sigLen(SIGNED) + 8, true);
      }),
      /cbCabinet is/,
    );
  });

  it('only one of the reserve offset/size set: refused', async () => {
    await malformed(
      edit(SIGNED, (v) => v.setUint32(48, 0, true)),
      /names a signature at offset \d+ of size 0/,
    );
  });

  it.each([
    ['reserved1', 4, 4],
    ['abReserve bytes 12-15', 52, 4],
  ])('%s (not covered by the signature) set: refused', async (label, at) => {
    await malformed(
      edit(SIGNED, (v) => v.setUint32(at as number, 1, true)),
      new RegExp(`${label as string}.*not zero`),
    );
  });

  it('iCabinet (not covered by the signature) set: refused, though osslsigncode would accept it', async () => {
    await malformed(
      edit(SIGNED, (v) => v.setUint16(34, 7, true)),
      /iCabinet/,
    );
  });

  it.each([
    ['cbCFHeader 24', (v: DataView) => v.setUint16(36, 24, true)],
    ['cbCFFolder 4', (v: DataView) => v.setUint8(38, 4)],
    ['cbCFData 8', (v: DataView) => v.setUint8(39, 8)],
    ['abReserve magic changed', (v: DataView) => v.setUint32(40, 0x00200000, true)],
  ])("a reserve other than Authenticode's (%s): refused", async (_label, change) => {
    await malformed(edit(SIGNED, change), /not the Authenticode one/);
  });

  it.each([
    ['FLAG_PREV_CABINET', 0x0005],
    ['FLAG_NEXT_CABINET', 0x0006],
  ])('a multi-cabinet set (%s): refused, a signature covers one cabinet', async (_label, flags) => {
    await malformed(
      edit(SIGNED, (v) => v.setUint16(30, flags as number, true)),
      /multi-cabinet set/,
    );
  });

  it('unknown flag bits: refused', async () => {
    await malformed(
      edit(SIGNED, (v) => v.setUint16(30, 0x0104, true)),
      /unknown flags/,
    );
  });

  it('format version 1.4: refused', async () => {
    await malformed(
      edit(SIGNED, (v) => v.setUint8(24, 4)),
      /version 1\.4/,
    );
  });

  it('truncated to less than a CFHEADER, and to less than its reserve: refused', async () => {
    await malformed(SIGNED.slice(0, 20), /shorter than a CFHEADER \(36\)/);
    await malformed(SIGNED.slice(0, 50), /shorter than a CFHEADER with its reserve/);
  });

  it('coffFiles not right after the CFFOLDER entries: refused', async () => {
    await malformed(
      edit(SIGNED, (v) => v.setUint32(16, v.getUint32(16, true) + 8, true)),
      /coffFiles is/,
    );
  });

  it('cFolders so large the folders run into the signature: refused', async () => {
    await malformed(
      edit(SIGNED, (v) => v.setUint16(26, 0xffff, true)),
      /CFFOLDER entries run past/,
    );
  });

  it('more CFFILE entries than the cabinet holds (names read past the signed area): refused', async () => {
    await malformed(
      edit(SIGNED, (v) => v.setUint16(28, 0xffff, true)),
      /CFFILE entry 2/,
    );
  });

  it('a CFFILE naming a folder the cabinet does not have (continuation 0xFFFD): refused', async () => {
    const coffFiles = view(SIGNED).getUint32(16, true);
    await malformed(
      edit(SIGNED, (v) => v.setUint16(coffFiles + 8, 0xfffd, true)),
      /names folder 65533/,
    );
  });

  it("a folder's data pointing into the signature (extraction from unsigned bytes): refused", async () => {
    await malformed(
      edit(SIGNED, (v) => v.setUint32(60, sigPos(SIGNED) + 16, true)),
      /outside the cabinet's data area/,
    );
  });

  it('a CFDATA block whose cbData runs into the signature: refused', async () => {
    const block = view(SIGNED).getUint32(60, true);
    await malformed(
      edit(SIGNED, (v) => v.setUint16(block + 4, 0xffff, true)),
      /CFDATA block 1 runs past/,
    );
  });

  it('a folder claiming 65535 CFDATA blocks (a walk bounded by the bytes there are): refused at once', async () => {
    const started = performance.now();
    await malformed(
      edit(SIGNED, (v) => v.setUint16(64, 0xffff, true)),
      /more than the cabinet has room for/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('non-zero bytes in the signature padding: AUTHENTICODE_ENTRY_UNREADABLE (broken)', async () => {
    const padded = edit(SIGNED, (_v, b) => (b[b.length - 1] = 0x41));
    // the fixture's DER is 2715 bytes, padded with 5 zeros to 2720
    expect(embedded(SIGNED).length).toBeLessThan(sigLen(SIGNED));
    const o = await outcome(padded);
    expect(codes(o)).toEqual(['AUTHENTICODE_ENTRY_UNREADABLE']);
  });

  it('a flipped bit in the signature value: SIGNATURE_INVALID', async () => {
    const at = sigPos(SIGNED) + embedded(SIGNED).length - 16;
    const o = await outcome(edit(SIGNED, (_v, b) => (b[at] = (b[at] as number) ^ 1)));
    expect(codes(o)).toEqual(['SIGNATURE_INVALID']);
  });

  it('a signature larger than maxEntryBytes: AUTHENTICODE_LIMIT_EXCEEDED (request error)', async () => {
    const result = await run(SIGNED, { limits: { maxEntryBytes: 1024 } });
    expect(result).toMatchObject({ ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED' });
  });

  it('a cabinet larger than maxImageBytes: AUTHENTICODE_LIMIT_EXCEEDED (request error)', async () => {
    const result = await run(SIGNED, { limits: { maxImageBytes: 1000 } });
    expect(result).toMatchObject({ ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED' });
  });
});

describe('cabinet signatures made in-process (ECDSA P-256, SPC_CAB_DATA_OBJ)', () => {
  let pki: Pki;
  let other: Pki;
  let digest: Uint8Array;
  beforeAll(async () => {
    pki = await makePki('Cab');
    other = await makePki('Other');
    digest = await cabDigest(SIGNED);
  });
  const inProcess = (image: Uint8Array, extra: Partial<VerifyAuthenticodeRequest> = {}) =>
    outcome(image, { anchors: anchorsOf(pki), time: LATER, ...extra });
  const cabSignature = (p: Pki, options: Parameters<typeof signImage>[2] = {}) =>
    signImage(SIGNED, p, { digest, dataType: OID_SPC_CAB_DATA, dataValue: OBSOLETE_LINK, ...options });

  it('one signature: trusted', async () => {
    const o = await inProcess(withSignature(SIGNED, await cabSignature(pki)));
    expect(o.verdict).toBe('trusted');
  });

  it('a nested signature under an unknown root: trusted, the nested one a warning ("1", "1.1")', async () => {
    const nested = await cabSignature(other);
    const o = await inProcess(withSignature(SIGNED, await cabSignature(pki, { nested: [nested] })));
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([
      ['1', 'trusted'],
      ['1.1', 'unknown_root'],
    ]);
  });

  it('a nested signature over another digest (broken) rejects the file', async () => {
    const nested = await cabSignature(pki, { digest: new Uint8Array(32) });
    const o = await inProcess(withSignature(SIGNED, await cabSignature(pki, { nested: [nested] })));
    expect(o.verdict).toBe('rejected');
    expect(o.reasons[0]?.message).toMatch(/^signature 1\.1: /);
    expect(o.reasons[0]?.code).toBe('AUTHENTICODE_IMAGE_HASH_MISMATCH');
  });

  it('nesting deeper than maxNestingDepth: AUTHENTICODE_LIMIT_EXCEEDED', async () => {
    const inner = await cabSignature(pki);
    const middle = await cabSignature(pki, { nested: [inner] });
    const cab = withSignature(SIGNED, await cabSignature(pki, { nested: [middle] }));
    const result = await run(cab, { anchors: anchorsOf(pki), time: LATER, limits: { maxNestingDepth: 1 } });
    expect(result).toMatchObject({ ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED' });
  });

  it('SPC_CAB_DATA_OBJ whose value is not an SpcLink: AUTHENTICODE_CONTENT_INVALID', async () => {
    const sig = await cabSignature(pki, { dataValue: tlv(0x30) });
    const o = await inProcess(withSignature(SIGNED, sig));
    expect(codes(o)).toEqual(['AUTHENTICODE_CONTENT_INVALID']);
    expect(o.reasons[0]?.message).toMatch(/not an SpcLink/);
  });

  it('a PE data type over the cabinet digest: AUTHENTICODE_CONTENT_INVALID', async () => {
    const sig = await signImage(SIGNED, pki, { digest });
    const o = await inProcess(withSignature(SIGNED, sig));
    expect(codes(o)).toEqual(['AUTHENTICODE_CONTENT_INVALID']);
  });
});

describe('tampered cabinets against osslsigncode (test/fixtures/authenticode-cab, make-cab-fixtures.sh)', () => {
  const CAB_DIR = join(import.meta.dirname, '../../fixtures/authenticode-cab');
  const tampered: {
    sourceSha256: string;
    fixtures: { name: string; file: string; osslsigncodeExitCode: number }[];
  } = JSON.parse(readFileSync(join(CAB_DIR, 'expected.json'), 'utf8'));
  /** What trustgate answers; where osslsigncode succeeds, the documented difference is the reason. */
  const WANT: Record<string, string> = {
    'data-byte-flipped': 'AUTHENTICODE_IMAGE_HASH_MISMATCH',
    'signature-bit-flipped': 'SIGNATURE_INVALID',
    'bytes-after-signature': 'AUTHENTICODE_CAB_MALFORMED',
    'signature-moved': 'AUTHENTICODE_CAB_MALFORMED',
    'folder-data-in-signature': 'AUTHENTICODE_CAB_MALFORMED',
    'next-cabinet-flag': 'AUTHENTICODE_CAB_MALFORMED',
    'reserved1-set': 'AUTHENTICODE_CAB_MALFORMED',
    // unsigned header bytes: osslsigncode does not look at them and accepts; trustgate refuses (documented)
    'icabinet-set': 'AUTHENTICODE_CAB_MALFORMED',
    'abreserve-tail-set': 'AUTHENTICODE_CAB_MALFORMED',
  };
  const STRICTER = new Set(['icabinet-set', 'abreserve-tail-set']);

  it('were made from the committed signed cabinet', () => {
    expect(tampered.sourceSha256).toBe(fixture('optional-signed-sha256-cab').sha256);
    expect(tampered.fixtures.map((f) => f.name).sort()).toEqual(Object.keys(WANT).sort());
  });

  for (const f of tampered.fixtures) {
    it(`${f.name}: rejected (${WANT[f.name]}); osslsigncode ${f.osslsigncodeExitCode === 0 ? 'accepts (trustgate is stricter)' : 'fails too'}`, async () => {
      expect(f.osslsigncodeExitCode === 0).toBe(STRICTER.has(f.name));
      const o = await outcome(new Uint8Array(readFileSync(join(CAB_DIR, f.file))));
      expect(o.verdict).toBe('rejected');
      expect(codes(o)).toEqual([WANT[f.name]]);
    });
  }
});
