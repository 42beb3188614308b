import { describe, expect, it } from 'vitest';
import {
  type CertificateCandidate,
  type CertificateInfo,
  deriveCandidates,
  type ExtractedFingerprint,
  type Provenance,
  readCertificate,
} from '../../src/advisories/index';
import { derOf, pemBlocks, subtle } from './helpers/feed-server';

async function read(pem: string): Promise<CertificateInfo> {
  const result = await readCertificate(derOf(pem), subtle);
  if (!result.ok) throw new Error(result.reason);
  return result.certificate;
}
const [yePem, yeByX2Pem, x2Pem] = pemBlocks('letsencrypt-gen-y-root-ye_chain.pem') as [
  string,
  string,
  string,
];
const YE = 'e14ffcad5b0025731006caa43a121a22d8e9700f4fb9cf852f02a708aa5d5666';
const YE_BY_X2 = '0fc0901cca2bae9e9fdbb02d50d02f1094f7b36672086991b9e897626dc485f0';
const X2 = '69729b8e15a86efc177a57afb7171dfc64add28c2fca8cf1507e34453ccb1470';
const X1_SHA1 = 'cabd2a79a1076a31f21d253635cb039d4329a5e8';

const provenance = (itemGuid: string): Provenance => ({
  feedId: 'feed-1',
  itemGuid,
  itemLink: `https://vendor.example/${itemGuid}`,
  fetchedAt: '2026-06-01T12:00:00.000Z',
  contentHash: `hash-of-${itemGuid}`,
});
const fp = (algorithm: 'sha256' | 'sha1', hex: string): ExtractedFingerprint => ({
  algorithm,
  hex,
  form: 'colon',
  context: 'SHA-256 fingerprint: …',
});

describe('deriveCandidates', () => {
  describe('when a chain file supplies a new root, its cross-signed twin and an active root', () => {
    it('makes one corroborated candidate for the new key, with provenance, and none for the active root', async () => {
      const [ye, yeByX2, x2] = await Promise.all([yePem, yeByX2Pem, x2Pem].map(read));
      const candidates = await deriveCandidates(
        'isrg',
        [
          {
            provenance: provenance('ye'),
            fingerprints: [],
            certificates: [ye, yeByX2, x2] as CertificateInfo[],
          },
        ],
        [x2 as CertificateInfo],
        subtle,
      );
      expect(candidates).toHaveLength(1);
      const [c] = candidates as [CertificateCandidate];
      expect(c).toMatchObject({
        kind: 'certificate',
        vendorId: 'isrg',
        sha256: YE,
        spkiSha256: ye?.spkiSha256,
        selfIssued: true,
        corroborated: true,
        corroboration: { rootSha256: X2, crossSignSha256: YE_BY_X2 },
        provenance: provenance('ye'),
        otherProvenance: [],
      });
      expect(c.sameKeyCertificates.map((s) => s.sha256)).toEqual([YE_BY_X2]);
      expect(c.pem).toContain('BEGIN CERTIFICATE');
    });
  });

  describe('when no active root vouches for it', () => {
    it('still makes a candidate, not corroborated', async () => {
      const ye = await read(yePem);
      const [c] = await deriveCandidates(
        'isrg',
        [{ provenance: provenance('ye'), fingerprints: [], certificates: [ye] }],
        [],
        subtle,
      );
      expect(c).toMatchObject({ kind: 'certificate', sha256: YE, corroborated: false, corroboration: null });
    });
  });

  describe('when several items announce the same key', () => {
    it('de-duplicates on certificate SHA-256 and SPKI SHA-256 and keeps every provenance', async () => {
      const [ye, yeByX2] = await Promise.all([yePem, yeByX2Pem].map(read));
      const candidates = await deriveCandidates(
        'isrg',
        [
          { provenance: provenance('a'), fingerprints: [], certificates: [yeByX2 as CertificateInfo] },
          {
            provenance: provenance('b'),
            fingerprints: [],
            certificates: [ye as CertificateInfo, ye as CertificateInfo],
          },
          { provenance: provenance('c'), fingerprints: [], certificates: [ye as CertificateInfo] },
        ],
        [],
        subtle,
      );
      expect(candidates).toHaveLength(1);
      expect(candidates[0]).toMatchObject({ sha256: YE, provenance: provenance('a') });
      expect(candidates[0]?.otherProvenance.map((p) => p.itemGuid)).toEqual(['b', 'c']);
    });
  });

  describe('when items give fingerprints', () => {
    it('folds fingerprints of supplied certificates or active roots and keeps the others as hints', async () => {
      const [ye, x2] = await Promise.all([yePem, x2Pem].map(read));
      const candidates = await deriveCandidates(
        'isrg',
        [
          {
            provenance: provenance('a'),
            fingerprints: [fp('sha256', YE), fp('sha256', X2), fp('sha1', X1_SHA1)],
            certificates: [ye as CertificateInfo],
          },
          { provenance: provenance('b'), fingerprints: [fp('sha1', X1_SHA1)], certificates: [] },
        ],
        [x2 as CertificateInfo],
        subtle,
      );
      expect(
        candidates.map((c) => (c.kind === 'certificate' ? c.sha256 : `${c.algorithm}:${c.hex}`)),
      ).toEqual([YE, `sha1:${X1_SHA1}`]);
      expect(candidates[0]).toMatchObject({ announcedInText: true });
      expect(candidates[1]).toMatchObject({
        kind: 'fingerprint',
        corroborated: false,
        provenance: provenance('a'),
        otherProvenance: [provenance('b')],
      });
    });
  });
});
