import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  anyHttpUrl,
  type CertificateCandidate,
  type FeedState,
  type ItemSnapshot,
  type PollDeps,
  type PollResult,
  pollFeed,
} from '../../src/advisories/index';
import {
  derOf,
  type FeedServer,
  fixtureFeed,
  fixtureText,
  PINNED_NOW,
  pemBlocks,
  pinnedClock,
  serve,
  startFeedServer,
  subtle,
} from './helpers/feed-server';

const YE = 'e14ffcad5b0025731006caa43a121a22d8e9700f4fb9cf852f02a708aa5d5666';
const X2 = '69729b8e15a86efc177a57afb7171dfc64add28c2fca8cf1507e34453ccb1470';
const X1_SHA1 = 'cabd2a79a1076a31f21d253635cb039d4329a5e8';
const [yePem, , x2Pem] = pemBlocks('letsencrypt-gen-y-root-ye_chain.pem') as [string, string, string];

/** The caller's side: stores what each poll returns, as the lead's repositories will. */
class MemoryStore {
  items = new Map<string, ItemSnapshot>();
  activeRootDers: Uint8Array[] = [];
  feed: FeedState;
  constructor(url: string) {
    this.feed = {
      id: 'feed-1',
      vendorId: 'isrg',
      url,
      etag: null,
      lastModified: null,
      status: 'active',
      disabledReason: null,
      consecutiveFailures: 0,
    };
  }
  ports = {
    previousItems: async () => new Map(this.items),
    activeRoots: async () => [...this.activeRootDers],
  };
  persist(result: PollResult): void {
    for (const i of result.items) this.items.set(i.item.guid, i.snapshot);
    const s = result.feedStatus;
    this.feed = {
      ...this.feed,
      etag: s.etag,
      lastModified: s.lastModified,
      status: s.status,
      disabledReason: s.disabledReason,
      consecutiveFailures: s.consecutiveFailures,
    };
  }
}

describe('pollFeed', () => {
  let server: FeedServer;
  let store: MemoryStore;
  let deps: PollDeps;
  const poll = async () => {
    const result = await pollFeed(deps, store.feed);
    store.persist(result);
    return result;
  };

  beforeEach(async () => {
    server = await startFeedServer();
    store = new MemoryStore(`${server.origin}/feed.xml`);
    deps = {
      fetch: globalThis.fetch,
      now: pinnedClock,
      random: () => 0.5,
      subtle,
      isAllowedUrl: anyHttpUrl,
      ports: store.ports,
      limits: { timeoutMs: 1_000 },
    };
  });
  afterEach(async () => {
    await server.close();
  });

  describe('when an RSS feed announces a new root with a linked chain and an inline PEM', () => {
    beforeEach(() => {
      server.route(
        '/feed.xml',
        serve(fixtureFeed('vendor-rss.xml', server.origin), {
          'content-type': 'application/rss+xml; charset=utf-8',
          etag: '"v1"',
          'last-modified': 'Wed, 20 May 2026 16:00:00 GMT',
        }),
      );
      server.route(
        '/certs/gen-y/root-ye-chain.pem',
        serve(fixtureText('letsencrypt-gen-y-root-ye_chain.pem'), {
          'content-type': 'application/x-pem-file',
        }),
      );
      store.activeRootDers = [derOf(x2Pem)];
    });

    it('returns every item as new, fetches the linked PEM and makes corroborated candidates', async () => {
      const result = await poll();
      expect(result.outcome).toBe('ok');
      expect(result.finalUrl).toBe(`${server.origin}/feed.xml`);
      expect(result.items.map((i) => i.diff.change)).toEqual(['new', 'new', 'new', 'new']);
      const { nextPollAt, ...plain } = result;
      expect(JSON.parse(JSON.stringify(plain))).toEqual(plain); // plain data, ready to store or return
      expect(nextPollAt).toEqual(new Date(PINNED_NOW.getTime() + 3600_000));
      expect(server.requestsTo('/certs/gen-y/root-ye-chain.pem')).toHaveLength(1);
      expect(result.certificateFetches).toEqual([
        {
          itemGuid: `${server.origin}/2026/05/20/root-ye/`,
          url: `${server.origin}/certs/gen-y/root-ye-chain.pem`,
          certificates: 3,
          error: null,
        },
        {
          itemGuid: `${server.origin}/2025/11/01/legacy/`,
          url: `${server.origin}/certs/legacy-root.crt`,
          certificates: 0,
          error: 'http_status: HTTP 404',
        },
      ]);

      const certs = result.candidates.filter((c): c is CertificateCandidate => c.kind === 'certificate');
      expect(certs).toHaveLength(1);
      expect(certs[0]).toMatchObject({
        vendorId: 'isrg',
        sha256: YE,
        corroborated: true,
        corroboration: { rootSha256: X2 },
        announcedInText: true,
        provenance: {
          feedId: 'feed-1',
          itemGuid: `${server.origin}/2026/05/20/root-ye/`,
          itemLink: `${server.origin}/2026/05/20/root-ye/`,
          fetchedAt: PINNED_NOW.toISOString(),
        },
      });
      expect(certs[0]?.provenance.contentHash).toBe(
        result.items.find((i) => i.item.guid.endsWith('/root-ye/'))?.snapshot.contentHash,
      );
      expect(certs[0]?.otherProvenance.map((p) => p.itemGuid)).toEqual([
        `${server.origin}/2026/05/21/root-ye-pem/`,
      ]);
      expect(result.candidates.filter((c) => c.kind === 'fingerprint')).toEqual([
        expect.objectContaining({ algorithm: 'sha1', hex: X1_SHA1, corroborated: false }),
      ]);

      expect(result.feedStatus).toEqual({
        etag: '"v1"',
        lastModified: 'Wed, 20 May 2026 16:00:00 GMT',
        status: 'active',
        disabledReason: null,
        consecutiveFailures: 0,
        lastError: null,
        lastPolledAt: PINNED_NOW.toISOString(),
        lastSuccessAt: PINNED_NOW.toISOString(),
        nextPollAt: new Date(PINNED_NOW.getTime() + 3600_000).toISOString(),
      });
    });

    it('polls again with the validators and reports 304 as nothing new', async () => {
      await poll();
      server.route('/feed.xml', (req, res) => {
        if (req.headers['if-none-match'] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
        else res.writeHead(500).end();
      });
      const second = await poll();
      expect(second).toMatchObject({ outcome: 'not_modified', items: [], candidates: [] });
      expect(second.feedStatus).toMatchObject({ etag: '"v1"', consecutiveFailures: 0, status: 'active' });
      expect(server.requestsTo('/feed.xml')[1]?.headers['if-modified-since']).toBe(
        'Wed, 20 May 2026 16:00:00 GMT',
      );
    });

    it('notices an item edited between polls, and flags loudly an edit that changes a fingerprint', async () => {
      await poll();
      const edited = fixtureFeed('vendor-rss.xml', server.origin)
        .replace('56:66</code>', '56:67</code>')
        .replace('The legacy root will stop signing', 'The legacy root will finally stop signing');
      server.route('/feed.xml', serve(edited, { 'content-type': 'application/rss+xml', etag: '"v2"' }));
      const second = await poll();
      const change = Object.fromEntries(
        second.items.map((i) => [i.item.guid.split('/').at(-2) ?? '', i.diff]),
      );
      expect(change.website?.change).toBe('unchanged');
      expect(change.legacy).toMatchObject({ change: 'edited', fingerprintsChanged: false });
      expect(change['root-ye']).toMatchObject({ change: 'edited', fingerprintsChanged: true });
      expect(second.alerts).toEqual([
        {
          feedId: 'feed-1',
          itemGuid: `${server.origin}/2026/05/20/root-ye/`,
          itemLink: `${server.origin}/2026/05/20/root-ye/`,
          added: ['sha256:e14ffcad5b0025731006caa43a121a22d8e9700f4fb9cf852f02a708aa5d5667'],
          removed: [`sha256:${YE}`],
        },
      ]);
      // the unchanged item with the inline PEM is not re-processed; the edited one re-fetches its chain
      expect(server.requestsTo('/certs/gen-y/root-ye-chain.pem')).toHaveLength(2);
      expect(second.feedStatus.etag).toBe('"v2"');
    });
  });

  describe('when a linked certificate file failed on the last poll', () => {
    it('processes the unchanged item again and picks up the certificate', async () => {
      server.route(
        '/feed.xml',
        serve(fixtureFeed('vendor-rss.xml', server.origin), { 'content-type': 'application/rss+xml' }),
      );
      server.route(
        '/certs/gen-y/root-ye-chain.pem',
        serve(fixtureText('letsencrypt-gen-y-root-ye_chain.pem')),
      );
      const first = await poll();
      const legacyGuid = `${server.origin}/2025/11/01/legacy/`;
      expect(first.items.find((i) => i.item.guid === legacyGuid)?.snapshot.incomplete).toBe(true);

      server.route(
        '/certs/legacy-root.crt',
        serve(derOf(yePem), { 'content-type': 'application/pkix-cert' }),
      );
      const second = await poll();
      expect(second.items.filter((i) => i.processed).map((i) => i.item.guid)).toEqual([legacyGuid]);
      expect(second.items.every((i) => i.diff.change === 'unchanged')).toBe(true);
      expect(second.certificateFetches).toEqual([
        { itemGuid: legacyGuid, url: `${server.origin}/certs/legacy-root.crt`, certificates: 1, error: null },
      ]);
      expect(second.candidates).toEqual([
        expect.objectContaining({
          kind: 'certificate',
          sha256: YE,
          provenance: expect.objectContaining({ itemGuid: legacyGuid }),
        }),
        expect.objectContaining({ kind: 'fingerprint', hex: X1_SHA1 }),
      ]);
      expect(server.requestsTo('/certs/gen-y/root-ye-chain.pem')).toHaveLength(1);
      const third = await poll();
      expect(third.items.some((i) => i.processed)).toBe(false);
    });
  });

  describe('when retries of earlier failures compete with a new item for the file budget', () => {
    it('serves the new item first', async () => {
      const feedXml = fixtureFeed('vendor-rss.xml', server.origin).replace(
        /<item>\s*<title>New Root YE[\s\S]*?<\/item>/,
        '',
      );
      server.route('/feed.xml', serve(feedXml, { 'content-type': 'application/rss+xml' }));
      await poll(); // legacy-root.crt answers 404: the legacy item is incomplete
      const withNewItem = feedXml.replace(
        '</channel>',
        `<item><title>Chain</title><guid>chain</guid><description>The chain.</description>
          <enclosure url="${server.origin}/certs/chain.pem" type="application/x-pem-file"/></item></channel>`,
      );
      server.route('/feed.xml', serve(withNewItem, { 'content-type': 'application/rss+xml' }));
      server.route('/certs/chain.pem', serve(fixtureText('letsencrypt-gen-y-root-ye_chain.pem')));
      const second = await pollFeed({ ...deps, certificateLimits: { maxFilesPerPoll: 1 } }, store.feed);
      expect(second.certificateFetches).toEqual([
        { itemGuid: 'chain', url: `${server.origin}/certs/chain.pem`, certificates: 3, error: null },
        {
          itemGuid: `${server.origin}/2025/11/01/legacy/`,
          url: `${server.origin}/certs/legacy-root.crt`,
          certificates: 0,
          error: 'skipped: per-poll file limit',
        },
      ]);
    });
  });

  describe('when the feed fails', () => {
    it('backs off on 500s and counts failures, keeping the validators', async () => {
      store.feed = { ...store.feed, etag: '"old"' };
      server.route('/feed.xml', (_req, res) => res.writeHead(500).end());
      const first = await poll();
      const second = await poll();
      expect(first.outcome).toBe('error');
      expect(second.feedStatus).toMatchObject({
        status: 'active',
        consecutiveFailures: 2,
        lastError: 'http_status: HTTP 500',
        lastSuccessAt: null,
        etag: '"old"',
      });
      // second failure: uniform in [5 s, 120 s], random 0.5 → 62.5 s
      expect(second.nextPollAt).toEqual(new Date(PINNED_NOW.getTime() + 62_500));
    });

    it('waits as long as Retry-After asks on a 429', async () => {
      server.route('/feed.xml', (_req, res) => res.writeHead(429, { 'retry-after': '7200' }).end());
      const result = await poll();
      expect(result.outcome).toBe('retry_later');
      expect(result.nextPollAt).toEqual(new Date(PINNED_NOW.getTime() + 7200_000));
    });

    it('times out a slow answer', async () => {
      server.route('/feed.xml', () => {
        /* never answers */
      });
      const result = await pollFeed({ ...deps, limits: { timeoutMs: 200 } }, store.feed);
      expect(result.outcome).toBe('error');
      expect(result.feedStatus.lastError).toMatch(/^timeout/);
    });

    it('disables the feed on 410 and says so', async () => {
      server.route('/feed.xml', (_req, res) => res.writeHead(410).end());
      const result = await poll();
      expect(result.outcome).toBe('gone');
      expect(result.feedStatus.status).toBe('disabled');
      expect(result.feedStatus.disabledReason).toContain('410');
      expect(result.nextPollAt).toBeNull();
    });

    it('disables the feed after a long run of failures', async () => {
      server.route('/feed.xml', (_req, res) => res.writeHead(502).end());
      let last: PollResult | undefined;
      for (let i = 0; i < 3; i++)
        last = await pollFeed({ ...deps, schedule: { maxConsecutiveFailures: 3 } }, store.feed).then((r) => {
          store.persist(r);
          return r;
        });
      expect(last?.feedStatus).toMatchObject({
        status: 'disabled',
        consecutiveFailures: 3,
        disabledReason: 'disabled after 3 failed polls in a row; last: http_status: HTTP 502',
      });
    });

    it('does not store validators for a body it could not read', async () => {
      server.route(
        '/feed.xml',
        serve('<html>maintenance</html>', { 'content-type': 'text/html', etag: '"broken"' }),
      );
      const result = await poll();
      expect(result.outcome).toBe('error');
      expect(result.feedStatus.etag).toBeNull();
      expect(result.feedStatus.lastError).toMatch(/^unreadable_feed/);
    });
  });

  describe('when an Atom feed has a malformed entry beside good ones and an enclosed PEM', () => {
    it('keeps the good entries and reads the enclosure', async () => {
      const atom = fixtureFeed('vendor-atom.xml', server.origin).replace(
        '<published>2026-04-01T12:00:00Z</published>',
        '<published>April Fools</published>',
      );
      server.route('/feed.xml', serve(atom, { 'content-type': 'application/atom+xml' }));
      server.route(
        '/certs/root-ye-by-x2.pem',
        serve(fixtureText('letsencrypt-root-ye-by-x2_REVOKED-2025-crosssign.pem')),
      );
      store.activeRootDers = [derOf(x2Pem)];
      const result = await poll();
      expect(result.items.map((i) => i.item.guid)).toEqual([
        'tag:vendor.example,2026:keys/root-ye',
        'tag:vendor.example,2026:keys/policy',
      ]);
      expect(result.itemErrors).toEqual([expect.objectContaining({ index: 1, recovered: true })]);
      const [candidate] = result.candidates;
      // the enclosed certificate is itself the cross-sign: same key as Root YE, issued and signed by X2
      expect(candidate).toMatchObject({ kind: 'certificate', selfIssued: false, corroborated: true });
    });
  });

  describe('when a CSAF ROLIE feed links a PEM', () => {
    it('makes a candidate that no active root corroborates from the self-signed root alone', async () => {
      server.route(
        '/feed.json',
        serve(fixtureFeed('vendor-rolie.json', server.origin), { 'content-type': 'application/json' }),
      );
      server.route('/certs/root-ye.pem', serve(yePem));
      store = new MemoryStore(`${server.origin}/feed.json`);
      store.activeRootDers = [derOf(x2Pem)];
      deps = { ...deps, ports: store.ports };
      const result = await poll();
      expect(result.items.map((i) => i.item.guid)).toEqual(['EXV-2026-0007', 'EXV-2026-0003']);
      expect(result.itemErrors).toHaveLength(1);
      expect(result.candidates).toEqual([
        expect.objectContaining({
          kind: 'certificate',
          sha256: YE,
          corroborated: false,
          announcedInText: true,
        }),
      ]);
    });
  });

  describe('when a poll meets more certificates than the per-poll limit', () => {
    it('reads up to the limit and marks the item for another try', async () => {
      server.route(
        '/feed.xml',
        serve(fixtureFeed('vendor-rss.xml', server.origin), { 'content-type': 'application/rss+xml' }),
      );
      server.route(
        '/certs/gen-y/root-ye-chain.pem',
        serve(fixtureText('letsencrypt-gen-y-root-ye_chain.pem')),
      );
      const result = await pollFeed(
        { ...deps, certificateLimits: { maxCertificatesPerPoll: 2 } },
        store.feed,
      );
      const ye = result.items.find((i) => i.item.guid.endsWith('/2026/05/20/root-ye/'));
      expect(ye?.certificates).toHaveLength(2);
      expect(ye?.certificateErrors).toEqual(['1 certificate(s) not read: per-poll certificate limit']);
      expect(ye?.snapshot.incomplete).toBe(true);
      const inline = result.items.find((i) => i.item.guid.endsWith('/root-ye-pem/'));
      expect(inline?.certificates).toEqual([]);
      expect(inline?.snapshot.incomplete).toBe(true);
    });
  });

  describe('when a linked certificate file is too large', () => {
    it('reports it and still completes the poll', async () => {
      const rss = `<rss version="2.0"><channel><title>t</title><item><guid>big</guid><title>Big</title>
        <enclosure url="${server.origin}/certs/huge.pem" type="application/x-pem-file"/></item></channel></rss>`;
      server.route('/feed.xml', serve(rss, { 'content-type': 'application/rss+xml' }));
      server.route('/certs/huge.pem', serve('A'.repeat(300 * 1024)));
      const result = await poll();
      expect(result.outcome).toBe('ok');
      expect(result.certificateFetches).toEqual([
        expect.objectContaining({
          url: `${server.origin}/certs/huge.pem`,
          certificates: 0,
          error: expect.stringMatching(/^too_large/),
        }),
      ]);
    });
  });
});
