import { describe, expect, it } from 'vitest';
import {
  mergeCandidate,
  mergeProvenance,
  readCertificate,
  recheckCorroboration,
  type StoredCandidate,
  type StoredCandidateData,
  type StoredProvenance,
} from '../../src/advisories/index';
import { derOf, pemBlocks, subtle } from './helpers/feed-server';

const [yePem, yeByX2Pem, x2Pem] = pemBlocks('letsencrypt-gen-y-root-ye_chain.pem') as [
  string,
  string,
  string,
];
const YE = 'e14ffcad5b0025731006caa43a121a22d8e9700f4fb9cf852f02a708aa5d5666';
const YE_BY_X2 = '0fc0901cca2bae9e9fdbb02d50d02f1094f7b36672086991b9e897626dc485f0';
const X2 = '69729b8e15a86efc177a57afb7171dfc64add28c2fca8cf1507e34453ccb1470';
const AT = '2026-06-02T00:00:00.000Z';

const provenance = (itemGuid: string, contentHash = 'h1'): StoredProvenance => ({
  feedId: 'feed_a',
  feedUrl: 'https://vendor.example/feed.xml',
  itemGuid,
  itemTitle: `item ${itemGuid}`,
  itemLink: null,
  fetchedAt: '2026-06-01T00:00:00.000Z',
  contentHash,
});

/** The certificate candidate the feed gave for `pem`, as a poll would store it (no corroboration yet). */
async function certificateCandidate(
  pem: string,
  extra: Partial<Extract<StoredCandidateData, { kind: 'certificate' }>> = {},
): Promise<StoredCandidateData> {
  const read = await readCertificate(derOf(pem), subtle);
  if (!read.ok) throw new Error(read.reason);
  const c = read.certificate;
  return {
    kind: 'certificate',
    vendorId: 'letsencrypt',
    sha256: c.sha256,
    spkiSha256: c.spkiSha256,
    sha1: c.sha1,
    pem: c.pem,
    subject: c.subject,
    issuer: c.issuer,
    notBefore: c.notBefore,
    notAfter: c.notAfter,
    selfIssued: c.selfIssued,
    sameKeyCertificates: [],
    announcedInText: false,
    corroborated: false,
    corroboration: null,
    provenance: provenance('item-1'),
    otherProvenance: [],
    ...extra,
  } as StoredCandidateData;
}

const fingerprintHint: StoredCandidateData = {
  kind: 'fingerprint',
  vendorId: 'letsencrypt',
  algorithm: 'sha256',
  hex: YE,
  form: 'colon',
  context: 'SHA-256 of Root YE',
  corroborated: false,
  provenance: provenance('item-1'),
  otherProvenance: [],
};

const row = (data: StoredCandidateData): StoredCandidate => ({
  vendorId: 'letsencrypt',
  key: data.kind === 'certificate' ? data.sha256 : `${data.algorithm}:${data.hex}`,
  data,
  createdAt: '2026-06-01T00:00:00.000Z',
  updatedAt: '2026-06-01T00:00:00.000Z',
});

const rootsOf = (pems: string[]) => ({ activeRoots: async () => pems.map(derOf) });

describe('mergeProvenance', () => {
  describe('when the same item (same content) comes again', () => {
    it('keeps it once, and adds an edited version or another item after the first', () => {
      const merged = mergeProvenance(
        [provenance('item-1')],
        [provenance('item-1'), provenance('item-1', 'h2'), provenance('item-2')],
      );
      expect(merged.map((p) => [p.itemGuid, p.contentHash])).toEqual([
        ['item-1', 'h1'],
        ['item-1', 'h2'],
        ['item-2', 'h1'],
      ]);
    });
  });
});

describe('mergeCandidate', () => {
  describe('when nothing was stored for it', () => {
    it('is the new candidate', async () => {
      const next = await certificateCandidate(yePem);
      expect(mergeCandidate(null, next)).toBe(next);
    });
  });

  describe('when a later poll brings the self-signed certificate of a key stored as its cross-signed twin', () => {
    it('makes the self-signed one the candidate, keeps the twin, the provenances and the corroboration', async () => {
      const corroboration = { rootSha256: X2, rootSubject: 'ISRG Root X2', crossSignSha256: YE_BY_X2 };
      const stored = await certificateCandidate(yeByX2Pem, {
        corroborated: true,
        corroboration,
        announcedInText: true,
      });
      const next = await certificateCandidate(yePem, { provenance: provenance('item-2') });
      const merged = mergeCandidate(stored, next);
      expect(merged).toMatchObject({
        kind: 'certificate',
        sha256: YE,
        selfIssued: true,
        announcedInText: true,
        corroborated: true,
        corroboration,
        sameKeyCertificates: [expect.objectContaining({ sha256: YE_BY_X2 })],
      });
      expect([merged.provenance, ...merged.otherProvenance].map((p) => p.itemGuid)).toEqual([
        'item-1',
        'item-2',
      ]);
    });
  });

  describe('when a fingerprint hint is announced again by another item', () => {
    it('only adds the provenance', () => {
      const merged = mergeCandidate(fingerprintHint, {
        ...fingerprintHint,
        provenance: provenance('item-2'),
      });
      expect(merged).toEqual({ ...fingerprintHint, otherProvenance: [provenance('item-2')] });
    });
  });
});

describe('recheckCorroboration', () => {
  describe('when a root that cross-signed the candidate key became active after the poll', () => {
    it('returns the row corroborated by it, among the changed rows, dated `at`', async () => {
      const stored = row(
        await certificateCandidate(yePem, {
          sameKeyCertificates: [
            { sha256: YE_BY_X2, subject: 'Root YE', issuer: 'ISRG Root X2', pem: yeByX2Pem },
          ],
        }),
      );
      const { rows, changed } = await recheckCorroboration([stored], rootsOf([x2Pem]), subtle, AT);
      expect(changed).toEqual(rows);
      expect(rows).toEqual([
        {
          ...stored,
          updatedAt: AT,
          data: {
            ...stored.data,
            corroborated: true,
            corroboration: expect.objectContaining({ rootSha256: X2, crossSignSha256: YE_BY_X2 }),
          },
        },
      ]);
    });
  });

  describe('when the root that corroborated the candidate is no longer active', () => {
    it('returns the row no longer corroborated', async () => {
      const stored = row(
        await certificateCandidate(yePem, {
          corroborated: true,
          corroboration: { rootSha256: X2, rootSubject: 'ISRG Root X2', crossSignSha256: YE_BY_X2 },
        }),
      );
      const { rows, changed } = await recheckCorroboration([stored], rootsOf([]), subtle, AT);
      expect(changed).toHaveLength(1);
      expect(rows[0]?.data).toMatchObject({ corroborated: false, corroboration: null });
    });
  });

  describe('when nothing changed since the poll', () => {
    it('returns the rows as given and nothing changed (fingerprint hints included)', async () => {
      const rows = [row(await certificateCandidate(yePem)), row(fingerprintHint)];
      const out = await recheckCorroboration(rows, rootsOf([x2Pem]), subtle, AT);
      expect(out).toEqual({ rows, changed: [] });
    });
  });
});
