import { describe, expect, it } from 'vitest';
import { type FeedItem, parseFeed } from '../../src/advisories/index';
import { fixtureText } from './helpers/feed-server';

async function itemsOf(name: string, contentType: string | null, base: string | null = null) {
  const result = await parseFeed(fixtureText(name), contentType, base);
  if (result.kind !== 'ok') throw new Error(`expected ok, got ${result.reason}`);
  return result;
}
const byGuid = (items: FeedItem[], guid: string) => items.find((i) => i.guid === guid);

describe('parseFeed', () => {
  describe('when given an RSS 2.0 feed with HTML in CDATA', () => {
    it('reads every item with its guid, link, date and the HTML reduced to text', async () => {
      const feed = await itemsOf('vendor-rss.xml', 'application/rss+xml');
      expect(feed.format).toBe('rss');
      expect(feed.title).toBe('Example Vendor PKI announcements');
      expect(feed.items.map((i) => i.guid)).toEqual([
        'https://vendor.example/2026/03/02/website/',
        'https://vendor.example/2026/05/20/root-ye/',
        'https://vendor.example/2025/11/01/legacy/',
        'https://vendor.example/2026/05/21/root-ye-pem/',
      ]);
      const ye = byGuid(feed.items, 'https://vendor.example/2026/05/20/root-ye/');
      expect(ye?.published).toBe('2026-05-20T16:00:00.000Z');
      expect(ye?.title).toBe('New Root YE, cross-signed by ISRG Root X2');
      expect(ye?.content).toContain('We generated a new root, Root YE (ECDSA P-384)');
      expect(ye?.content).not.toMatch(/<\/?(p|strong|code|a)\b/);
      expect(feed.itemErrors).toEqual([]);
    });

    it('resolves relative links in the HTML against the item link', async () => {
      const feed = await itemsOf('vendor-rss.xml', 'application/rss+xml');
      const ye = byGuid(feed.items, 'https://vendor.example/2026/05/20/root-ye/');
      expect(ye?.links).toContain('https://vendor.example/certs/gen-y/root-ye-chain.pem');
    });

    it('keeps every enclosure, not only the first', async () => {
      const feed = await itemsOf('vendor-rss.xml', 'application/rss+xml');
      const legacy = byGuid(feed.items, 'https://vendor.example/2025/11/01/legacy/');
      expect(legacy?.enclosures).toEqual([
        { url: 'https://vendor.example/certs/legacy-root.crt', type: 'application/pkix-cert', length: 1380 },
        { url: 'https://vendor.example/media/legacy-root-faq.pdf', type: 'application/pdf', length: 48213 },
      ]);
    });
  });

  describe('when given an Atom feed', () => {
    it('keeps <link rel="enclosure">, <summary> and the escaped HTML content', async () => {
      const feed = await itemsOf('vendor-atom.xml', 'application/atom+xml');
      expect(feed.format).toBe('atom');
      const entry = byGuid(feed.items, 'tag:vendor.example,2026:keys/root-ye');
      expect(entry?.link).toBe('https://vendor.example/keys/root-ye/');
      expect(entry?.published).toBe('2026-05-20T16:00:00.000Z');
      expect(entry?.enclosures).toEqual([
        {
          url: 'https://vendor.example/certs/root-ye-by-x2.pem',
          type: 'application/x-pem-file',
          length: 948,
        },
      ]);
      expect(entry?.content).toContain('SHA256:sCkq5UWXjg+7mKu9lMhhYF5bGLsy7VI/UNW3tccdR7w=');
      expect(entry?.content).toContain(
        'Its thumbprint is 0fc0901cca2bae9e9fdbb02d50d02f1094f7b36672086991b9e897626dc485f0.',
      );
      const policy = byGuid(feed.items, 'tag:vendor.example,2026:keys/policy');
      expect(policy?.content).toBe('Signing keys now live in an HSM & are rotated yearly.');
    });
  });

  describe('when one Atom entry has a date rss-parser cannot read', () => {
    it('keeps the good entries and recovers the broken one without its date', async () => {
      const feed = await itemsOf('vendor-atom-bad-date.xml', 'application/atom+xml');
      expect(feed.items.map((i) => i.guid)).toEqual([
        'tag:vendor.example,2026:first',
        'tag:vendor.example,2026:bad-date',
        'tag:vendor.example,2026:last',
      ]);
      expect(byGuid(feed.items, 'tag:vendor.example,2026:first')?.published).toBe('2026-05-01T00:00:00.000Z');
      const bad = byGuid(feed.items, 'tag:vendor.example,2026:bad-date');
      expect(bad?.published).toBeNull();
      expect(bad?.content).toContain('E14FFCAD5B0025731006CAA43A121A22D8E9700F4FB9CF852F02A708AA5D5666');
      expect(feed.itemErrors).toEqual([
        expect.objectContaining({ index: 1, guid: 'tag:vendor.example,2026:bad-date', recovered: true }),
      ]);
    });
  });

  describe('when one RSS item is malformed beside good ones', () => {
    it('keeps the good items (HTML entities included) and reports the broken one', async () => {
      const feed = await itemsOf('vendor-rss-malformed.xml', 'application/rss+xml');
      expect(feed.items.map((i) => i.guid)).toEqual(['one', 'sloppy', 'two']);
      expect(byGuid(feed.items, 'sloppy')?.title).toBe('Sloppy item with an HTML entity');
      expect(feed.itemErrors).toEqual([
        expect.objectContaining({ index: 2, guid: 'broken', recovered: false }),
      ]);
    });
  });

  describe('when given a CSAF ROLIE JSON feed', () => {
    it('reads the specification example', async () => {
      const feed = await itemsOf('csaf-rolie-feed-tlp-white_SPEC-EXAMPLE.json', 'application/json');
      expect(feed.format).toBe('rolie');
      expect(feed.title).toBe('Example CSAF feed (TLP:WHITE)');
      expect(feed.items).toEqual([
        {
          guid: '2020-ESA-001',
          title: 'Example Security Advisory 001',
          link: 'https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json',
          published: '2021-01-01T11:00:00.000Z',
          content: 'Vulnerabilities fixed in ABC 0.0.1',
          links: [
            'https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json',
            'https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json.sha512',
            'https://psirt.domain.tld/advisories/csaf/2020/2020-ESA-001.json.asc',
          ],
          enclosures: [],
        },
      ]);
    });

    it('keeps the good entries when one entry is malformed, even without a JSON content type', async () => {
      const feed = await itemsOf('vendor-rolie.json', 'text/plain');
      expect(feed.items.map((i) => i.guid)).toEqual(['EXV-2026-0007', 'EXV-2026-0003']);
      expect(feed.itemErrors).toEqual([
        { index: 1, guid: null, reason: 'entry has no id', recovered: false },
      ]);
      expect(feed.items[0]?.links).toContain('https://vendor.example/certs/root-ye.pem');
    });
  });

  describe('when a feed has more items than the limit', () => {
    it('reads the first ones and reports the rest, on every path', async () => {
      const rss = await parseFeed(fixtureText('vendor-rss.xml'), 'application/rss+xml', null, 2);
      const atom = await parseFeed(fixtureText('vendor-atom-bad-date.xml'), 'application/atom+xml', null, 1);
      const rolie = await parseFeed(fixtureText('vendor-rolie.json'), 'application/json', null, 1);
      const tooMany = (n: number, max: number) => ({
        index: max,
        guid: null,
        reason: `${n} more item(s) not read (limit ${max})`,
        recovered: false,
      });
      expect(rss).toMatchObject({ kind: 'ok', itemErrors: [tooMany(2, 2)] });
      expect(rss.kind === 'ok' && rss.items).toHaveLength(2);
      expect(atom).toMatchObject({ kind: 'ok', itemErrors: [tooMany(2, 1)] });
      expect(atom.kind === 'ok' && atom.items.map((i) => i.guid)).toEqual(['tag:vendor.example,2026:first']);
      expect(rolie).toMatchObject({ kind: 'ok', itemErrors: [tooMany(2, 1)] });
    });
  });

  describe('when the document is not a feed', () => {
    it('returns an error value for HTML, broken JSON and empty bodies', async () => {
      expect(await parseFeed('<html><body>hello</body></html>', 'text/html')).toMatchObject({
        kind: 'error',
      });
      expect(await parseFeed('{"feed": ', 'application/json')).toMatchObject({ kind: 'error' });
      expect(await parseFeed('{"items": []}', 'application/json')).toMatchObject({ kind: 'error' });
      expect(await parseFeed('', 'application/rss+xml')).toMatchObject({ kind: 'error' });
      expect(await parseFeed('<rss version="2.0"><channel><title>x</chan', null)).toMatchObject({
        kind: 'error',
      });
    });
  });
});
