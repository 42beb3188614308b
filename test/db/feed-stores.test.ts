import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FeedRecordState,
  initialFeedState,
  type StoredCandidate,
  type StoredCandidateData,
  type StoredFeed,
} from '../../src/advisories';
import { type Database, schema } from '../../src/db';
import { createCandidateRepository } from '../../src/db/candidate-repository';
import { createFeedRepository } from '../../src/db/feed-repository';
import { derOf, pemBlocks } from '../advisories/helpers/feed-server';
import { createTestApp } from '../helpers/test-app';

const AT = '2026-06-01T00:00:00.000Z';
const [yePem] = pemBlocks('letsencrypt-gen-y-root-ye_chain.pem') as [string];

let db: Database;
let close: () => void;
beforeAll(async () => {
  ({ db, close } = await createTestApp()); // the fixture store seeds vendor 'acme' (feeds reference it)
});
afterAll(() => close());

const feed = (id: string, url: string): StoredFeed => ({
  id,
  vendorId: 'acme',
  url,
  createdBy: 'alice',
  createdAt: AT,
  state: initialFeedState(3600),
});

describe('createFeedRepository (libSQL)', () => {
  describe('when a second feed of the vendor has the same URL', () => {
    it('refuses it (false), keeping the first', async () => {
      const feeds = createFeedRepository(db);
      expect(await feeds.insert(feed('feed_dup_1', 'https://acme.example/dup.xml'))).toBe(true);
      expect(await feeds.insert(feed('feed_dup_2', 'https://acme.example/dup.xml'))).toBe(false);
      expect((await feeds.findByUrl('acme', 'https://acme.example/dup.xml'))?.id).toBe('feed_dup_1');
    });
  });

  describe('when two writers update the state from the same revision', () => {
    it('stores the first and refuses the second', async () => {
      const feeds = createFeedRepository(db);
      await feeds.insert(feed('feed_rev', 'https://acme.example/rev.xml'));
      const next = (etag: string): FeedRecordState => ({ ...initialFeedState(3600), rev: 1, etag });
      expect(await feeds.updateState('feed_rev', next('"a"'), 0)).toBe(true);
      expect(await feeds.updateState('feed_rev', next('"b"'), 0)).toBe(false);
      expect((await feeds.get('feed_rev'))?.state).toMatchObject({ rev: 1, etag: '"a"' });
    });
  });

  describe('when a row holds a state written without some fields', () => {
    it('reads it with the missing fields at their initial values', async () => {
      await db.insert(schema.feeds).values({
        id: 'feed_old',
        vendorId: 'acme',
        url: 'https://acme.example/old.xml',
        state: { status: 'disabled', disabledReason: 'gone (410)' },
        createdBy: 'alice',
        createdAt: AT,
      });
      expect((await createFeedRepository(db).get('feed_old'))?.state).toEqual({
        ...initialFeedState(),
        status: 'disabled',
        disabledReason: 'gone (410)',
      });
    });
  });
});

describe('createCandidateRepository (libSQL)', () => {
  const provenance = {
    feedId: 'feed_a',
    feedUrl: 'https://acme.example/feed.xml',
    itemGuid: 'item-1',
    itemTitle: 'Root YE',
    itemLink: null,
    fetchedAt: AT,
    contentHash: 'h1',
  };
  const candidate = (key: string, spkiSha256: string): StoredCandidate => ({
    vendorId: 'acme',
    key,
    data: {
      kind: 'certificate',
      vendorId: 'acme',
      sha256: key,
      spkiSha256,
      sha1: 'f'.repeat(40),
      pem: yePem,
      subject: 'CN=Root YE',
      issuer: 'CN=Root YE',
      notBefore: AT,
      notAfter: AT,
      selfIssued: true,
      sameKeyCertificates: [],
      announcedInText: false,
      corroborated: false,
      corroboration: null,
      provenance,
      otherProvenance: [],
    } satisfies StoredCandidateData,
    createdAt: AT,
    updatedAt: AT,
  });

  describe('when a candidate is stored again under another key (its self-signed twin arrived)', () => {
    it('replaces the row of the previous key and is found by its SPKI', async () => {
      const candidates = createCandidateRepository(db);
      await candidates.put(candidate('a'.repeat(64), 'c'.repeat(64)));
      await candidates.put(candidate('b'.repeat(64), 'c'.repeat(64)), 'a'.repeat(64));
      expect((await candidates.list({ vendorId: 'acme' })).map((c) => c.key)).toEqual(['b'.repeat(64)]);
      expect((await candidates.findByKey('acme', 'c'.repeat(64)))?.key).toBe('b'.repeat(64));
      const [row] = await db.select().from(schema.candidates);
      expect(new Uint8Array(row?.der ?? [])).toEqual(derOf(yePem));
    });
  });
});
