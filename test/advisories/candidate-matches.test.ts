import { describe, expect, it } from 'vitest';
import {
  type CertificateCandidate,
  candidateMatches,
  type FingerprintCandidate,
} from '../../src/advisories/index';

const provenance = {
  feedId: 'f',
  itemGuid: 'g',
  itemLink: null,
  fetchedAt: '2026-06-01T12:00:00.000Z',
  contentHash: 'h',
};
const cert: CertificateCandidate = {
  kind: 'certificate',
  vendorId: 'isrg',
  sha256: 'aa'.repeat(32),
  spkiSha256: 'bb'.repeat(32),
  sha1: 'cc'.repeat(20),
  pem: '',
  subject: 'CN=Root YE',
  issuer: 'CN=Root YE',
  notBefore: '2025-09-03T00:00:00.000Z',
  notAfter: '2045-09-03T00:00:00.000Z',
  selfIssued: true,
  sameKeyCertificates: [
    { sha256: 'dd'.repeat(32), subject: 'CN=Root YE', issuer: 'CN=ISRG Root X2', pem: '' },
  ],
  announcedInText: false,
  corroborated: false,
  corroboration: null,
  provenance,
  otherProvenance: [],
};
const hint = (algorithm: 'sha256' | 'sha1', hex: string): FingerprintCandidate => ({
  kind: 'fingerprint',
  vendorId: 'isrg',
  algorithm,
  hex,
  form: 'plain',
  context: '',
  corroborated: false,
  provenance,
  otherProvenance: [],
});

describe('candidateMatches', () => {
  describe('when the candidate is a certificate', () => {
    it('matches on certificate SHA-256, a same-key twin, or the SPKI SHA-256', () => {
      expect(candidateMatches(cert, { sha256: 'AA'.repeat(32), spkiSha256: '00' })).toBe(true);
      expect(candidateMatches(cert, { sha256: 'dd'.repeat(32), spkiSha256: '00' })).toBe(true);
      expect(candidateMatches(cert, { sha256: 'ee'.repeat(32), spkiSha256: 'bb'.repeat(32) })).toBe(true);
      expect(candidateMatches(cert, { sha256: 'ee'.repeat(32), spkiSha256: 'ff'.repeat(32) })).toBe(false);
    });
  });

  describe('when the candidate is a fingerprint hint', () => {
    it('matches a SHA-256 against certificate or SPKI, and a SHA-1 against the certificate SHA-1', () => {
      expect(
        candidateMatches(hint('sha256', 'bb'.repeat(32)), {
          sha256: 'ee'.repeat(32),
          spkiSha256: 'bb'.repeat(32),
        }),
      ).toBe(true);
      expect(
        candidateMatches(hint('sha1', 'cc'.repeat(20)), {
          sha256: '',
          spkiSha256: '',
          sha1: 'CC'.repeat(20),
        }),
      ).toBe(true);
      expect(candidateMatches(hint('sha1', 'cc'.repeat(20)), { sha256: '', spkiSha256: '' })).toBe(false);
    });
  });
});
