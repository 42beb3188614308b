import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTsaStoreDir, type TsaStore, tsaAnchorsFor } from '../../src/platform/tsa-store-files';
import { verifyPackage } from '../../src/verify';
import type { RevocationPolicy } from '../../src/verify/revocation-policy';
import { anchorsIn } from '../helpers/jar-fixtures';
import { readTimestampFixture, TIMESTAMP_FIXTURES, timestampCase } from '../helpers/timestamp-fixtures';

const subtle = globalThis.crypto.subtle;
let tsaStore: TsaStore;
beforeAll(async () => {
  tsaStore = await readTsaStoreDir(join(TIMESTAMP_FIXTURES, 'trust-store'));
});

const crl = (name: string) => readTimestampFixture(`crls/${name}.crl`);

async function run(name: string, crls: string[], revocation: RevocationPolicy = 'require') {
  const c = timestampCase(name);
  const result = await verifyPackage({
    signature: readTimestampFixture(c.signature),
    artifact: { kind: 'bytes', bytes: readTimestampFixture(c.artifact) },
    anchors: anchorsIn(join(TIMESTAMP_FIXTURES, 'trust-store', 'acme')),
    tsaAnchors: tsaAnchorsFor(tsaStore)(c.vendor),
    crls: crls.map(crl),
    revocation,
    time: new Date(c.time),
    subtle,
  });
  if (!result.ok) throw new Error(`${name}: ${result.code} ${result.detail}`);
  return result.outcome;
}
const codes = (outcome: { reasons: Array<{ code: string }> }) => outcome.reasons.map((r) => r.code);
const NOTHING_REVOKED = ['root-revokes-nothing', 'ca-revokes-nothing'];

describe('verifyPackage with CRLs (openssl ca -gencrl)', () => {
  describe('when CRLs of the root and the CA revoke nothing', () => {
    it('trusts the signature without warnings', async () => {
      const outcome = await run('valid-signer-untimestamped-trusted', NOTHING_REVOKED);
      expect(outcome).toMatchObject({ verdict: 'trusted', reasons: [] });
      expect(outcome.warnings).toBeUndefined();
    });
  });

  describe('when the CA CRL revokes the signer', () => {
    it('rejects with CERT_REVOKED', async () => {
      const outcome = await run('valid-signer-untimestamped-trusted', [
        'root-revokes-nothing',
        'ca-revokes-signer-keycompromise-2026-05-01',
      ]);
      expect(outcome.verdict).toBe('rejected');
      expect(codes(outcome)).toContain('CERT_REVOKED');
    });
  });

  describe('when the root CRL revokes the signing CA', () => {
    it('rejects with CERT_REVOKED under either policy', async () => {
      for (const policy of ['require', 'best-effort'] as const) {
        const outcome = await run(
          'valid-signer-untimestamped-trusted',
          ['root-revokes-ca-2026-05-01', 'ca-revokes-nothing'],
          policy,
        );
        expect(outcome.verdict).toBe('rejected');
        expect(codes(outcome)).toContain('CERT_REVOKED');
      }
    });
  });

  describe('when no CRL covers the signing CA', () => {
    it('rejects with REVOCATION_UNAVAILABLE when the vendor requires revocation', async () => {
      const outcome = await run('valid-signer-untimestamped-trusted', ['ca-revokes-nothing'], 'require');
      expect(outcome.verdict).toBe('rejected');
      expect(codes(outcome)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
    it('trusts with a REVOCATION_UNAVAILABLE warning under best effort', async () => {
      const outcome = await run('valid-signer-untimestamped-trusted', ['ca-revokes-nothing'], 'best-effort');
      expect(outcome).toMatchObject({ verdict: 'trusted', reasons: [] });
      expect(outcome.warnings?.map((w) => w.code)).toEqual(['REVOCATION_UNAVAILABLE']);
    });
  });

  describe('when no CRL at all is at hand', () => {
    it('rejects with REVOCATION_UNAVAILABLE when the vendor requires revocation', async () => {
      const outcome = await run('valid-signer-untimestamped-trusted', [], 'require');
      expect(outcome.verdict).toBe('rejected');
      expect(codes(outcome)).toContain('REVOCATION_UNAVAILABLE');
    });
    it('trusts with one warning that revocation was not checked under best effort', async () => {
      const outcome = await run('valid-signer-untimestamped-trusted', [], 'best-effort');
      expect(outcome.verdict).toBe('trusted');
      expect(outcome.warnings).toHaveLength(1);
    });
  });

  describe('when the envelope itself carries the CRL that revokes the signer', () => {
    it('rejects with CERT_REVOKED though the caller sent no CRL', async () => {
      const outcome = await run('signer-revoked-crl-in-envelope-rejected', [], 'best-effort');
      expect(outcome.verdict).toBe('rejected');
      expect(codes(outcome)).toContain('CERT_REVOKED');
    });
  });

  describe('when a signer revoked on 2025-06-01 signed without a timestamp', () => {
    it('rejects with CERT_REVOKED whatever the reason', async () => {
      const outcome = await run('long-signer-untimestamped-trusted', [
        'root-revokes-nothing',
        'ca-revokes-long-signer-superseded-2025-06-01',
      ]);
      expect(codes(outcome)).toContain('CERT_REVOKED');
    });
  });

  describe('when a signer revoked on 2025-06-01 has a trusted timestamp of 2024-06-01', () => {
    it('reports CERT_REVOKED for keyCompromise, under either policy', async () => {
      for (const policy of ['require', 'best-effort'] as const) {
        const outcome = await run(
          'long-signer-timestamped-2024-trusted',
          ['root-revokes-nothing', 'ca-revokes-long-signer-keycompromise-2025-06-01'],
          policy,
        );
        expect(outcome.verdict).toBe('rejected');
        expect(codes(outcome)).toContain('CERT_REVOKED');
      }
    });
    it('trusts it when the reason is superseded: the revocation came after the timestamp', async () => {
      const outcome = await run('long-signer-timestamped-2024-trusted', [
        'root-revokes-nothing',
        'ca-revokes-long-signer-superseded-2025-06-01',
      ]);
      expect(outcome).toMatchObject({ verdict: 'trusted', reasons: [] });
    });
  });
});
