/**
 * Real signed files from Debian and npm packages (test/fixtures/real-signed/SOURCES.md names each package,
 * version and licence) against what osslsigncode, sbverify and OpenSSL said of them
 * (test/fixtures/real-signed/expected.json, recorded by scripts/fixtures/fetch-real-signed.sh): with each
 * signature's vendor root and TSA root in the store, at the instant recorded for it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePemBlocks, type PathAnchor, verifyAuthenticode, verifyPackage } from '../../src/verify';

const DIR = join(import.meta.dirname, '../fixtures/real-signed');

interface RealSignature {
  id: string;
  digestAlgorithm: string;
  vendorRoot: string | null;
  tsaRoot: string | null;
  verifyAt: string;
  secondOpinion: Array<{ tool: string; exitCode: number }>;
}
interface RealFile {
  file: string;
  kind: 'pe' | 'module';
  package: string;
  version: string;
  signatures: RealSignature[];
}
const expected: { files: RealFile[] } = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8'));
const read = (file: string) => new Uint8Array(readFileSync(join(DIR, file)));
const subtle = globalThis.crypto.subtle;

const anchorsFrom = (files: Array<string | null>, kind: 'root' | 'signer' = 'root'): PathAnchor[] =>
  [...new Set(files.filter((f): f is string => f !== null))].flatMap((file) =>
    decodePemBlocks(readFileSync(join(DIR, file), 'utf8')).map((b, i) => ({
      id: `${file}#${i}`,
      der: b.der,
      kind,
    })),
  );

/** What a second verifier said of one signature: did any of its own checks (not the must-fail ones) pass? */
const acceptedBySecondOpinion = (signature: RealSignature) =>
  signature.secondOpinion.some((o) => !/must fail/.test(o.tool) && o.exitCode === 0);

/**
 * A day after the latest instant recorded for the file's signatures (a timestamp's time, to the second, or
 * one at which the chain is valid): a timestamped signature is then judged at its token's time, as it
 * would be on any later day, and the others are still within their certificates' validity.
 */
const DAY_MS = 24 * 60 * 60 * 1000;
/**
 * Signatures the second opinion accepts and trustgate refuses on purpose (besides SHA-1, refused everywhere),
 * by `file#id`, with why; each is in docs/authenticode.md.
 */
const STRICTER: Record<string, string> = {
  'edge-js/vcruntime140.dll#1.1':
    "the 2016 Microsoft Time-Stamp Service certificate's EKU timeStamping is not critical, which RFC 3161 §2.3 requires (TIMESTAMP_UNTRUSTED); the signer expired in 2017, so without the timestamp nothing vouches for the signature",
};

const latest = (signatures: RealSignature[]) =>
  new Date(Math.max(...signatures.map((s) => new Date(s.verifyAt).getTime())) + DAY_MS);

describe('real Authenticode-signed files', () => {
  for (const real of expected.files.filter((f) => f.kind === 'pe')) {
    describe(`when ${real.file} (${real.package} ${real.version}) is verified with its roots in the store`, () => {
      it("gives each signature the second opinion's answer, except SHA-1 ones and those STRICTER names", async () => {
        const result = await verifyAuthenticode({
          image: read(real.file),
          anchors: anchorsFrom(real.signatures.map((s) => s.vendorRoot)),
          tsaAnchors: anchorsFrom(real.signatures.map((s) => s.tsaRoot)),
          time: latest(real.signatures),
          subtle,
        });
        if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
        const got = (result.outcome.signatures ?? []).map((s) => ({ id: s.id, verdict: s.verdict }));
        const want = real.signatures.map((s) => ({
          id: s.id,
          verdict:
            s.digestAlgorithm === 'sha1' || STRICTER[`${real.file}#${s.id}`] || !acceptedBySecondOpinion(s)
              ? 'rejected'
              : 'trusted',
        }));
        expect(got).toEqual(want);
        const fileTrusted = want.some((s) => s.verdict === 'trusted');
        expect(result.outcome.verdict).toBe(fileTrusted ? 'trusted' : 'rejected');
      });
    });
  }

  describe('when the vendor root is not in the store', () => {
    it('answers unknown_root for a Debian-signed EFI binary, not rejected (on-call can act on it)', async () => {
      const grub = expected.files.find((f) => f.file.startsWith('debian-grub/')) as RealFile;
      const result = await verifyAuthenticode({
        image: read(grub.file),
        anchors: [],
        tsaAnchors: [],
        time: latest(grub.signatures),
        subtle,
      });
      expect(result.ok && result.outcome.verdict).toBe('unknown_root');
    });
  });
});

describe('a real kernel module signature (appended PKCS#7 without certificates)', () => {
  const module = expected.files.find((f) => f.kind === 'module') as RealFile;
  const signature = module.signatures[0] as RealSignature;
  const request = {
    signature: read(`${module.file}.p7s`),
    artifact: { kind: 'bytes' as const, bytes: read(`${module.file}.content`) },
    time: new Date(signature.verifyAt),
    subtle,
  };

  describe('when the kernel build key is pinned as a signer of the vendor', () => {
    it('is trusted, as openssl cms -verify with that key as the only trusted certificate says', async () => {
      expect(acceptedBySecondOpinion(signature)).toBe(true);
      const result = await verifyPackage({
        ...request,
        anchors: anchorsFrom(['linux-6.1.0-50-build-key.pem'], 'signer'),
      });
      expect(result.ok && result.outcome.verdict).toBe('trusted');
    });
  });

  describe('when the same key is only a root (or nothing)', () => {
    it('is not trusted: a signature without certificates is matched to pinned signers only', async () => {
      for (const anchors of [anchorsFrom(['linux-6.1.0-50-build-key.pem']), []]) {
        const result = await verifyPackage({ ...request, anchors });
        expect(result.ok && result.outcome.verdict).not.toBe('trusted');
      }
    });
  });
});
