/**
 * Hostile PE images and Authenticode signatures, built in-process (pe-builder.ts), each named for the
 * attack it tries. A malformed file is a rejected verdict; a limit exceeded is a request error.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../../../src/encoding';
import {
  DEFAULT_AUTHENTICODE_LIMITS,
  looksLikePe,
  type VerifyAuthenticodeRequest,
  verifyAuthenticode,
} from '../../../src/verify/authenticode';
import { LATER } from '../path/cert-factory';
import {
  anchorsOf,
  buildPe,
  imageHash,
  makePki,
  offsets,
  type Pki,
  signImage,
  tableOf,
  withTable,
} from './pe-builder';

const subtle = globalThis.crypto.subtle;
let pki: Pki;
let other: Pki;
let image: Uint8Array;
let signed: Uint8Array;

beforeAll(async () => {
  pki = await makePki('Acme');
  other = await makePki('Other');
  image = buildPe();
  signed = withTable(image, [await signImage(image, pki)]);
});

const run = (bytes: Uint8Array, extra: Partial<VerifyAuthenticodeRequest> = {}) =>
  verifyAuthenticode({ image: bytes, anchors: anchorsOf(pki), time: LATER, subtle, ...extra });

async function outcome(bytes: Uint8Array, extra: Partial<VerifyAuthenticodeRequest> = {}) {
  const result = await run(bytes, extra);
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.outcome;
}
const codes = (o: { reasons: { code: string }[] }) => o.reasons.map((r) => r.code);
const u32 = (b: Uint8Array, at: number, value: number) =>
  new DataView(b.buffer, b.byteOffset, b.byteLength).setUint32(at, value, true);
const copy = (b: Uint8Array) => b.slice();

describe('the in-process builder', () => {
  it('makes a PE32+ and a PE32 that verify as trusted', async () => {
    expect((await outcome(signed)).verdict).toBe('trusted');
    const pe32 = buildPe({ pe32Plus: false });
    const o = await outcome(withTable(pe32, [await signImage(pe32, pki)]));
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.[0]?.id).toBe('1');
  });
});

describe('looksLikePe', () => {
  it('wants MZ, an e_lfanew inside the file and "PE\\0\\0" there', () => {
    expect(looksLikePe(image)).toBe(true);
    expect(looksLikePe(new Uint8Array(0))).toBe(false);
    expect(looksLikePe(new TextEncoder().encode('MZ but nothing else'))).toBe(false);
    const far = copy(image);
    u32(far, 0x3c, 0xfffffff0);
    expect(looksLikePe(far)).toBe(false);
    const notPe = copy(image);
    notPe[0x40] = 0x4e; // "NE"
    expect(looksLikePe(notPe)).toBe(false);
    const inDos = copy(image);
    u32(inDos, 0x3c, 0x10);
    expect(looksLikePe(inDos)).toBe(false);
  });
});

describe('hostile images', () => {
  it('tampered image byte: AUTHENTICODE_IMAGE_HASH_MISMATCH', async () => {
    const bytes = copy(signed);
    (bytes[0x300] as number) ^= 1;
    expect(codes(await outcome(bytes))).toEqual(['AUTHENTICODE_IMAGE_HASH_MISMATCH']);
  });

  it('a changed CheckSum field does not change the image hash (it is skipped)', async () => {
    const bytes = copy(signed);
    u32(bytes, offsets(bytes).checksum, 0x12345678);
    expect((await outcome(bytes)).verdict).toBe('trusted');
  });

  it('a signature copied from another file (transplanted table entry): AUTHENTICODE_IMAGE_HASH_MISMATCH', async () => {
    const otherImage = buildPe({ seed: 9 });
    const transplanted = withTable(otherImage, [await signImage(image, pki)]);
    expect(codes(await outcome(transplanted))).toEqual(['AUTHENTICODE_IMAGE_HASH_MISMATCH']);
  });

  it("an SpcIndirectDataContent whose digest algorithm differs from the signer's: AUTHENTICODE_DIGEST_ALGORITHM_MISMATCH", async () => {
    const bytes = withTable(image, [await signImage(image, pki, { spcHash: 'SHA-384' })]);
    const o = await outcome(bytes);
    expect(o.verdict).toBe('rejected');
    expect(codes(o)).toEqual(['AUTHENTICODE_DIGEST_ALGORITHM_MISMATCH']);
  });

  it('an SpcIndirectDataContent with a SHA-1 image hash: WEAK_DIGEST_ALGORITHM', async () => {
    const bytes = withTable(image, [await signImage(image, pki, { spcHash: 'SHA-1' })]);
    expect(codes(await outcome(bytes))).toEqual(['WEAK_DIGEST_ALGORITHM']);
  });

  it('an SpcIndirectDataContent for another kind of file (a CAB data object): AUTHENTICODE_CONTENT_INVALID', async () => {
    const bytes = withTable(image, [await signImage(image, pki, { dataType: '1.3.6.1.4.1.311.2.1.25' })]);
    const o = await outcome(bytes);
    expect(codes(o)).toEqual(['AUTHENTICODE_CONTENT_INVALID']);
    expect(o.reasons[0]?.message).toMatch(/not SPC_PE_IMAGE_DATAOBJ/);
  });

  it('a plain id-data signature put in the table: AUTHENTICODE_CONTENT_INVALID', async () => {
    const bytes = withTable(image, [await signImage(image, pki, { contentType: '1.2.840.113549.1.7.1' })]);
    expect(codes(await outcome(bytes))).toEqual(['AUTHENTICODE_CONTENT_INVALID']);
  });

  it('garbage in a table entry: AUTHENTICODE_ENTRY_UNREADABLE', async () => {
    const bytes = withTable(image, [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01])]);
    expect(codes(await outcome(bytes))).toEqual(['AUTHENTICODE_ENTRY_UNREADABLE']);
  });

  it('non-zero bytes after the PKCS#7 inside dwLength: AUTHENTICODE_ENTRY_UNREADABLE', async () => {
    const signature = await signImage(image, pki);
    const bytes = withTable(image, [concatBytes(signature, new Uint8Array([0, 0, 7]))]);
    expect(codes(await outcome(bytes))).toEqual(['AUTHENTICODE_ENTRY_UNREADABLE']);
    const zeros = withTable(image, [concatBytes(signature, new Uint8Array(5))]);
    expect((await outcome(zeros)).verdict).toBe('trusted');
  });
});

describe('hostile certificate tables', () => {
  const malformed = async (bytes: Uint8Array, message: RegExp) => {
    const o = await outcome(bytes);
    expect(o.verdict).toBe('rejected');
    expect(codes(o)).toEqual(['AUTHENTICODE_TABLE_MALFORMED']);
    expect(o.reasons[0]?.message).toMatch(message);
    expect(o.signatures ?? []).toEqual([]);
  };

  it('tampered certificate table: a flipped bit in wRevision', async () => {
    const bytes = copy(signed);
    (bytes[tableOf(bytes).offset + 5] as number) ^= 0x01;
    await malformed(bytes, /wRevision/);
  });

  it('wCertificateType X509 (1) instead of PKCS_SIGNED_DATA', async () => {
    await malformed(withTable(image, [await signImage(image, pki)], { type: 1 }), /wCertificateType/);
  });

  it('dwLength too large (past the table)', async () => {
    const bytes = copy(signed);
    const { offset, size } = tableOf(bytes);
    u32(bytes, offset, size + 8);
    await malformed(bytes, /runs past the end of the table/);
  });

  it('dwLength too small (the next "entry" is inside the PKCS#7)', async () => {
    const bytes = copy(signed);
    u32(bytes, tableOf(bytes).offset, 64);
    await malformed(bytes, /entry 2/);
  });

  it('dwLength of 0 (an endless loop for a naive reader)', async () => {
    const bytes = copy(signed);
    u32(bytes, tableOf(bytes).offset, 0);
    await malformed(bytes, /dwLength 0/);
  });

  it('the directory entry points past the end of the file', async () => {
    const bytes = copy(signed);
    u32(bytes, offsets(bytes).security + 4, tableOf(bytes).size + 64);
    await malformed(bytes, /runs past the end of the file/);
  });

  it('the directory entry overflows 32 bits (offset + size wraps)', async () => {
    const bytes = copy(signed);
    u32(bytes, offsets(bytes).security + 4, 0xffffffff - tableOf(bytes).offset + 16);
    await malformed(bytes, /runs past the end of the file/);
  });

  it('bytes appended after the table', async () => {
    await malformed(concatBytes(signed, new Uint8Array(16)), /16 bytes follow the certificate table/);
  });

  it('the table is not at the end (the directory size made smaller)', async () => {
    const bytes = copy(signed);
    u32(bytes, offsets(bytes).security + 4, tableOf(bytes).size - 8);
    await malformed(bytes, /follow the certificate table/);
  });

  it('the directory entry points into the headers', async () => {
    const bytes = copy(signed);
    u32(bytes, offsets(bytes).security, 0x100);
    u32(bytes, offsets(bytes).security + 4, bytes.length - 0x100);
    await malformed(bytes, /inside the headers/);
  });

  it('a misaligned table', async () => {
    const bytes = concatBytes(image, new Uint8Array(4), new Uint8Array(tableOf(signed).size));
    bytes.set(signed.subarray(tableOf(signed).offset), image.length + 4);
    u32(bytes, offsets(bytes).security, image.length + 4);
    u32(bytes, offsets(bytes).security + 4, tableOf(signed).size);
    await malformed(bytes, /not 8-byte aligned/);
  });

  it('only one of offset and size set', async () => {
    const bytes = copy(image);
    u32(bytes, offsets(bytes).security + 4, 64);
    await malformed(bytes, /offset 0 and size 64/);
  });

  it('a section whose raw data runs into the table (unhashed section bytes)', async () => {
    const bytes = copy(signed);
    u32(bytes, offsets(bytes).sectionTable + 16, 0x400);
    await malformed(bytes, /overlaps the certificate table/);
  });

  it('non-zero padding between entries', async () => {
    const signature = await signImage(image, pki);
    // Zeros after the PKCS#7 (allowed inside dwLength) so that the entry needs alignment padding after it.
    const unaligned = concatBytes(signature, new Uint8Array(8 - ((signature.length + 1) % 8)));
    expect((8 + unaligned.length) % 8).toBe(7);
    const bytes = withTable(image, [unaligned, signature]);
    expect((await outcome(bytes)).verdict).toBe('trusted');
    (bytes[tableOf(bytes).offset + 8 + unaligned.length] as number) = 1;
    await malformed(bytes, /padding is not zero/);
  });
});

describe('hostile PE headers', () => {
  const peMalformed = async (bytes: Uint8Array, message: RegExp) => {
    const o = await outcome(bytes);
    expect(codes(o)).toEqual(['AUTHENTICODE_PE_MALFORMED']);
    expect(o.reasons[0]?.message).toMatch(message);
  };
  it('NumberOfRvaAndSizes 4: no certificate table entry', async () => {
    await peMalformed(buildPe({ numberOfRvaAndSizes: 4 }), /NumberOfRvaAndSizes is 4/);
  });
  it('NumberOfRvaAndSizes past SizeOfOptionalHeader', async () => {
    await peMalformed(buildPe({ numberOfRvaAndSizes: 0x7fffffff }), /NumberOfRvaAndSizes/);
  });
  it('an unknown optional header magic', async () => {
    const bytes = copy(image);
    bytes[offsets(bytes).optional] = 0x07;
    await peMalformed(bytes, /magic/);
  });
  it('SizeOfOptionalHeader past the end of the file', async () => {
    const bytes = copy(image);
    new DataView(bytes.buffer).setUint16(0x44 + 16, 0xffff, true);
    await peMalformed(bytes, /optional header runs past/);
  });
  it('a truncated file (headers only)', async () => {
    await peMalformed(image.subarray(0, 0x60), /COFF header|optional header/);
  });
  it('SizeOfHeaders past the end of the file', async () => {
    const bytes = copy(image);
    u32(bytes, offsets(bytes).optional + 60, 0x100000);
    await peMalformed(bytes, /SizeOfHeaders/);
  });
  it('not a PE at all', async () => {
    await peMalformed(new Uint8Array(128), /not a PE image/);
  });
});

describe('nested signatures and several entries', () => {
  it('a signature nested in another is verified on its own ("1.1")', async () => {
    const inner = await signImage(image, other);
    const bytes = withTable(image, [await signImage(image, pki, { nested: [inner] })]);
    const o = await outcome(bytes);
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => [s.id, s.verdict])).toEqual([
      ['1', 'trusted'],
      ['1.1', 'unknown_root'],
    ]);
    expect(o.warnings?.some((w) => w.code === 'UNKNOWN_ROOT' && w.message.startsWith('signature 1.1:'))).toBe(
      true,
    );
  });

  it("a broken nested signature (another file's) rejects the file although the outer one is trusted", async () => {
    const inner = await signImage(buildPe({ seed: 11 }), pki);
    const bytes = withTable(image, [await signImage(image, pki, { nested: [inner] })]);
    const o = await outcome(bytes);
    expect(o.verdict).toBe('rejected');
    expect(codes(o)).toEqual(['AUTHENTICODE_IMAGE_HASH_MISMATCH']);
    expect(o.signer?.subject).toContain('Acme');
  });

  it('an unreadable nested value is a broken signature', async () => {
    const bytes = withTable(image, [
      await signImage(image, pki, { nested: [new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x05])] }),
    ]);
    const o = await outcome(bytes);
    expect(o.verdict).toBe('rejected');
    expect(o.signatures?.map((s) => [s.id, s.reasons[0]?.code])).toEqual([
      ['1', undefined],
      ['1.1', 'AUTHENTICODE_ENTRY_UNREADABLE'],
    ]);
  });

  it('two entries, one trusted and one of an unknown root: trusted, the other a warning', async () => {
    const bytes = withTable(image, [await signImage(image, pki), await signImage(image, other)]);
    const o = await outcome(bytes);
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => s.id)).toEqual(['1', '2']);
  });

  it('two entries, neither trusted, one unknown root and one weak: unknown_root escalates the first', async () => {
    const bytes = withTable(image, [
      await signImage(image, pki, { spcHash: 'SHA-1' }),
      await signImage(image, other),
    ]);
    const o = await outcome(bytes);
    expect(o.verdict).toBe('unknown_root');
    expect(o.top?.subject).toContain('Other');
    expect(codes(o)).toContain('WEAK_DIGEST_ALGORITHM');
  });

  it('nested beyond the limit (depth 3 under the default of 2): AUTHENTICODE_LIMIT_EXCEEDED', async () => {
    let inner = await signImage(image, pki);
    for (let i = 0; i < 3; i++) inner = await signImage(image, pki, { nested: [inner] });
    const result = await run(withTable(image, [inner]));
    expect(result).toMatchObject({ ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED' });
    expect(!result.ok && result.detail).toMatch(/deeper than 2 levels/);
    // At the limit it is read.
    let ok = await signImage(image, pki);
    for (let i = 0; i < 2; i++) ok = await signImage(image, pki, { nested: [ok] });
    expect((await outcome(withTable(image, [ok]))).signatures?.map((s) => s.id)).toEqual([
      '1',
      '1.1',
      '1.1.1',
    ]);
  });
});

describe('limits', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_AUTHENTICODE_LIMITS).toEqual({
      maxImageBytes: 64 * 1024 * 1024,
      maxTableEntries: 8,
      maxEntryBytes: 1024 * 1024,
      maxSignatures: 16,
      maxNestingDepth: 2,
      maxSignatureChecksPerFile: 128,
    });
  });

  it('maxImageBytes: a larger image is refused before it is read', async () => {
    const result = await run(signed, { limits: { maxImageBytes: signed.length - 1 } });
    expect(result).toMatchObject({ ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED' });
  });

  it('maxTableEntries: more entries than the limit', async () => {
    const signature = await signImage(image, pki);
    const bytes = withTable(image, [signature, signature, signature]);
    expect(await run(bytes, { limits: { maxTableEntries: 2 } })).toMatchObject({
      ok: false,
      code: 'AUTHENTICODE_LIMIT_EXCEEDED',
    });
    expect((await outcome(bytes, { limits: { maxTableEntries: 3 } })).signatures).toHaveLength(3);
  });

  it('maxTableEntries by default: nine entries', async () => {
    const signature = await signImage(image, pki);
    const bytes = withTable(
      image,
      Array.from({ length: 9 }, () => signature),
    );
    expect(await run(bytes)).toMatchObject({ ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED' });
  });

  it('maxEntryBytes: an entry over the limit is refused before it is parsed', async () => {
    const result = await run(signed, { limits: { maxEntryBytes: 256 } });
    expect(result).toMatchObject({ ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED' });
    expect(!result.ok && result.detail).toMatch(/at most 256/);
  });

  it('maxSignatures: nested ones count', async () => {
    const leaf = await signImage(image, pki);
    const bytes = withTable(image, [await signImage(image, pki, { nested: [leaf, leaf, leaf] })]);
    expect(await run(bytes, { limits: { maxSignatures: 3 } })).toMatchObject({
      ok: false,
      code: 'AUTHENTICODE_LIMIT_EXCEEDED',
    });
    expect((await outcome(bytes, { limits: { maxSignatures: 4 } })).signatures).toHaveLength(4);
  });

  it('maxNestingDepth: 0 refuses any nesting', async () => {
    const bytes = withTable(image, [await signImage(image, pki, { nested: [await signImage(image, pki)] })]);
    expect(await run(bytes, { limits: { maxNestingDepth: 0 } })).toMatchObject({
      ok: false,
      code: 'AUTHENTICODE_LIMIT_EXCEEDED',
    });
  });

  it('the given signature is held to maxSignatureBytes as any signature', async () => {
    const signature = await signImage(image, pki);
    expect(await run(image, { signature, limits: { maxSignatureBytes: 100 } })).toMatchObject({
      ok: false,
      code: 'PAYLOAD_TOO_LARGE',
    });
  });
});

describe('the given signature', () => {
  it('verifies an unsigned image on its own (id "given")', async () => {
    const o = await outcome(image, { signature: await signImage(image, pki) });
    expect(o.verdict).toBe('trusted');
    expect(o.signatures?.map((s) => s.id)).toEqual(['given']);
  });

  it('an unsigned image with no signature given is AUTHENTICODE_UNSIGNED', async () => {
    expect(codes(await outcome(image))).toEqual(['AUTHENTICODE_UNSIGNED']);
  });

  it('an unaligned unsigned image hashes with zero padding to 8 bytes, as osslsigncode does', async () => {
    const odd = concatBytes(image, new Uint8Array([1, 2, 3]));
    const digest = await imageHash(odd);
    const o = await outcome(odd, { signature: await signImage(odd, pki, { digest }) });
    expect(o.verdict).toBe('trusted');
  });

  it("digestParts: the caller's hasher is used, once per algorithm", async () => {
    const seen: string[] = [];
    const bytes = withTable(image, [await signImage(image, pki), await signImage(image, pki)]);
    const o = await outcome(bytes, {
      digestParts: async (hash, parts) => {
        seen.push(hash);
        const whole = concatBytes(...parts);
        return new Uint8Array(await subtle.digest(hash, whole));
      },
    });
    expect(o.verdict).toBe('trusted');
    expect(seen).toEqual(['SHA-256']);
  });
});

describe('random mutations', () => {
  it('never throw, and no changed hashed byte is ever trusted (300 single-byte mutations)', async () => {
    let seed = 17;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed;
    };
    const o = offsets(signed);
    const table = tableOf(signed);
    const skipped = (at: number) =>
      (at >= o.checksum && at < o.checksum + 4) ||
      (at >= o.security && at < o.security + 8) ||
      at >= table.offset;
    for (let i = 0; i < 300; i++) {
      const bytes = copy(signed);
      // Half the mutations in the headers, half in the table, some in the body.
      const region = next() % 3;
      const at =
        region === 0
          ? next() % 0x200
          : region === 1
            ? table.offset + (next() % table.size)
            : 0x200 + (next() % (table.offset - 0x200));
      (bytes[at] as number) ^= 1 + (next() % 255);
      const result = await run(bytes);
      if (result.ok && result.outcome.verdict === 'trusted') expect(skipped(at), `byte ${at}`).toBe(true);
    }
  });
});
