/**
 * Attacks on Authenticode verification (issue 17, round 2): each describe names what an attacker tries,
 * each `it` what trustgate must answer. Files are built in-process (test/verify/authenticode/pe-builder.ts)
 * so that every byte is the attacker's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { concatBytes } from '../../src/encoding';
import { caseKindFor } from '../../src/services/escalations/opening';
import { type VerifyAuthenticodeRequest, verifyAuthenticode } from '../../src/verify/authenticode';
import { readZip } from '../../src/verify/jar/zip-reader';
import { buildAndValidatePath } from '../../src/verify/path';
import {
  anchorsOf,
  buildPe,
  makePki,
  type Pki,
  signImage,
  tableOf,
  withTable,
} from '../verify/authenticode/pe-builder';
import { LATER, octets, oid, seq, tlv } from '../verify/path/cert-factory';

const subtle = globalThis.crypto.subtle;
const hasUnzip = (() => {
  try {
    execFileSync('unzip', ['-v'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
let pki: Pki;
let image: Uint8Array;

beforeAll(async () => {
  pki = await makePki('Acme');
  image = buildPe();
});

async function outcome(bytes: Uint8Array, extra: Partial<VerifyAuthenticodeRequest> = {}) {
  const result = await verifyAuthenticode({
    image: bytes,
    anchors: anchorsOf(pki),
    time: LATER,
    subtle,
    ...extra,
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.outcome;
}
const codes = (o: { reasons: { code: string }[] }) => o.reasons.map((r) => r.code);

const le16 = (n: number) => new Uint8Array([n & 0xff, (n >>> 8) & 0xff]);
const le32 = (n: number) =>
  new Uint8Array([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);

/** crc32 (for a ZIP entry a reader accepts). */
function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return (crc ^ 0xffffffff) >>> 0;
}

/** A one-entry stored ZIP whose offsets are those of a file in which it starts at `base`. */
function zipAt(base: number, name: string, data: Uint8Array): Uint8Array {
  const fileName = new TextEncoder().encode(name);
  const crc = crc32(data);
  const common = concatBytes(
    le16(0),
    le16(0),
    le16(0),
    le16(0),
    le32(crc),
    le32(data.length),
    le32(data.length),
    le16(fileName.length),
    le16(0),
  );
  const local = concatBytes(new Uint8Array([0x50, 0x4b, 3, 4]), le16(20), common, fileName, data);
  const central = concatBytes(
    new Uint8Array([0x50, 0x4b, 1, 2]),
    le16(20),
    le16(20),
    common,
    le16(0),
    le16(0),
    le16(0),
    le32(0),
    le32(base),
    fileName,
  );
  const end = concatBytes(
    new Uint8Array([0x50, 0x4b, 5, 6]),
    le16(0),
    le16(0),
    le16(1),
    le16(1),
    le32(central.length),
    le32(base + local.length),
    le16(0),
  );
  return concatBytes(local, central, end);
}

describe('Authenticode attacks', () => {
  describe('when an Authenticode signer has no signed attributes', () => {
    // A signature without signed attributes is a raw signature over the SpcIndirectDataContent's octets:
    // the same bytes a plain (id-data) signature by the same key over an "artifact" would sign. Nothing
    // then binds the content type, so a vendor's package signature over attacker-chosen bytes becomes
    // an Authenticode signature of a PE file of the attacker's choosing. Authenticode requires signed
    // attributes (contentType SpcIndirectDataContent, messageDigest); signtool and osslsigncode write them.
    it('is not trusted, and the signature counts as broken (AUTHENTICODE_CONTENT_INVALID)', async () => {
      const bytes = withTable(image, [await signImage(image, pki, { signedAttributes: false })]);
      const o = await outcome(bytes);
      expect(o.verdict).toBe('rejected');
      expect(codes(o)).toContain('AUTHENTICODE_CONTENT_INVALID');
    });

    it('does not make a trusted file out of a good signature beside it (the file is rejected)', async () => {
      const bytes = withTable(image, [
        await signImage(image, pki),
        await signImage(image, pki, { signedAttributes: false }),
      ]);
      const o = await outcome(bytes);
      expect(o.verdict).toBe('rejected');
    });

    it('is refused as the given signature too', async () => {
      const o = await outcome(image, { signature: await signImage(image, pki, { signedAttributes: false }) });
      expect(o.verdict).toBe('rejected');
      expect(codes(o)).toContain('AUTHENTICODE_CONTENT_INVALID');
    });
  });

  describe('when a tampered file is signed by an expired or distrusted chain (escalation)', () => {
    // A package whose signature does not hold is simply refused: no on-call case. For CMS that is
    // DIGEST_MISMATCH; a PE file's image hash mismatch is the same thing and must not open an
    // "expired signer chain" or "distrusted root" case about a file that was changed after signing.
    it('opens no case: AUTHENTICODE_IMAGE_HASH_MISMATCH is an integrity failure', async () => {
      const signed = withTable(image, [await signImage(image, pki)]);
      const tampered = signed.slice();
      tampered[0x300] = (tampered[0x300] as number) ^ 1;
      const o = await outcome(tampered, { time: new Date('2040-01-01T00:00:00Z') });
      expect(o.verdict).toBe('rejected');
      expect(codes(o)).toEqual(expect.arrayContaining(['AUTHENTICODE_IMAGE_HASH_MISMATCH', 'CERT_EXPIRED']));
      expect(o.anchorId).not.toBeNull();
      expect(caseKindFor(o)).toBeNull();
    });

    it('opens no case for an unreadable or non-Authenticode signature beside a distrusted chain either', async () => {
      const o = await outcome(withTable(image, [await signImage(image, pki)]), {
        anchors: [{ id: 'root', der: pki.root.der, keyCompromised: true }],
      });
      expect(caseKindFor(o)).toBe('distrusted-root');
      const broken = await outcome(
        withTable(image, [
          await signImage(image, pki),
          await signImage(image, pki, { signedAttributes: false }),
        ]),
        { anchors: [{ id: 'root', der: pki.root.der, keyCompromised: true }] },
      );
      expect(codes(broken)).toContain('AUTHENTICODE_CONTENT_INVALID');
      expect(caseKindFor(broken)).toBeNull();
    });
  });

  describe('when a file repeats one signature as often as the limits allow (work per untrusted file)', () => {
    // Eight table entries, each with one nested signature: sixteen signatures, each verified on its own.
    // The image is hashed once per algorithm (at most three), but every signature searches its own path:
    // without a file-level budget that is sixteen searches of 64 signature checks each (P-521: ~2 ms a
    // check, so ~2 s of CPU for path searches alone, before the timestamps).
    it('each signature gets a share of maxSignatureChecksPerFile (128 / 16 = 8 checks), and a real chain still fits', async () => {
      const seen: number[] = [];
      const signature = await signImage(image, pki, { nested: [await signImage(image, pki)] });
      const bytes = withTable(
        image,
        Array.from({ length: 8 }, () => signature),
      );
      const o = await outcome(bytes, {
        validatePath: async (request) => {
          seen.push(request.limits?.maxSignatureChecks ?? Number.NaN);
          return buildAndValidatePath(request);
        },
      });
      expect(o.verdict).toBe('trusted');
      expect(o.signatures).toHaveLength(16);
      expect(seen).toEqual(Array.from({ length: 16 }, () => 8));
    });

    it('a file with one or two signatures keeps the whole per-signature budget (64)', async () => {
      const seen: number[] = [];
      const bytes = withTable(image, [
        await signImage(image, pki, { nested: [await signImage(image, pki)] }),
      ]);
      await outcome(bytes, {
        validatePath: async (request) => {
          seen.push(request.limits?.maxSignatureChecks ?? Number.NaN);
          return buildAndValidatePath(request);
        },
      });
      expect(seen).toEqual([64, 64]);
    });
  });

  describe('when a ZIP end of central directory lies in the unsigned certificate table (polyglot)', () => {
    // A signed self-extracting installer is a PE and a ZIP; the ZIP reader (the installer's stub, or any
    // unzip) finds the archive from the end of the file. The certificate table is outside the image hash,
    // and a signer's unsigned attributes are outside its signature: an attacker puts a whole archive
    // there, and the file still verifies, while what is unpacked is theirs.
    async function polyglot(): Promise<Uint8Array> {
      const payload = new TextEncoder().encode('unsigned payload, unpacked from a "trusted" file');
      const marker = (n: number) => new Uint8Array(n).fill(0xa5);
      const zipLength = zipAt(0, 'payload.txt', payload).length;
      for (let tries = 0; tries < 200; tries++) {
        const filler = tries % 8;
        const placeholder = concatBytes(new Uint8Array(filler), marker(zipLength));
        const attribute = seq(oid('1.3.6.1.4.1.99999.1'), tlv(0x31, octets(placeholder)));
        const signature = await signImage(image, pki, { unsignedAttributes: [attribute] });
        if ((8 + signature.length) % 8 !== 0) continue;
        const file = withTable(image, [signature]);
        // The placeholder ends where the file ends: write the archive there, with its real offsets.
        const base = file.length - zipLength;
        file.set(zipAt(base, 'payload.txt', payload), base);
        return file;
      }
      throw new Error('could not align the entry');
    }

    it.skipIf(!hasUnzip)(
      'the file really is a ZIP whose entry comes from the unsigned bytes (unzip unpacks it: the attack is real)',
      async () => {
        const file = await polyglot();
        const dir = mkdtempSync(join(tmpdir(), 'trustgate-polyglot-'));
        try {
          const path = join(dir, 'setup.exe');
          writeFileSync(path, file);
          const unpacked = execFileSync('unzip', ['-p', path, 'payload.txt'], { stdio: 'pipe' }).toString();
          expect(unpacked).toContain('unsigned payload');
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        expect(tableOf(file).offset).toBeLessThan(file.length - 22);
        // trustgate's own JAR reader wants the archive alone (no prefix), so it does not read this file.
        expect(readZip(file).ok).toBe(false);
      },
    );

    it('is rejected (AUTHENTICODE_TABLE_MALFORMED): trustgate does not vouch for a file whose archive is unsigned', async () => {
      const o = await outcome(await polyglot());
      expect(o.verdict).toBe('rejected');
      expect(codes(o)).toEqual(['AUTHENTICODE_TABLE_MALFORMED']);
    });
  });
});
