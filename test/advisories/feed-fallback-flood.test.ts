import { describe, expect, it } from 'vitest';
import { openElementsAt } from '../../src/advisories/markup-scan';
import { parseFeed } from '../../src/advisories/parse-feed';

/** Seconds versus minutes, not a benchmark: the inputs below took from 15 s to minutes before (about 1-2 s now). */
const QUICK_MS = 8000;

const entries = (count: number) =>
  Array.from(
    { length: count },
    (_, i) => `<entry><id>urn:e:${i}</id><title>entry ${i}</title><updated>not a date</updated></entry>`,
  ).join('');

describe('parseFeed reading item by item', () => {
  describe('when a feed rss-parser refuses has a 300 KB skeleton and 1,000 entries (attack: the skeleton parsed again for every entry)', () => {
    it('reads every entry inside its ancestors only, in linear time', async () => {
      const body = `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><subtitle>${'x'.repeat(300_000)}</subtitle>${entries(1000)}</feed>`;
      const started = performance.now();
      const result = await parseFeed(body, 'application/atom+xml', null);
      expect(performance.now() - started).toBeLessThan(QUICK_MS);
      if (result.kind !== 'ok') throw new Error(result.reason);
      expect(result.items).toHaveLength(1000);
      expect(result.items[999]).toMatchObject({ guid: 'urn:e:999', title: 'entry 999', published: null });
    });
  });

  describe('when the markup before the first entry cannot be cut down and the skeleton is large', () => {
    it('reads entries within a budget of parsed bytes and reports the rest as not read', async () => {
      const doctype = '<!DOCTYPE feed [ <!ENTITY e "e"> ]>';
      const body = `<?xml version="1.0"?>${doctype}<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title><subtitle>${'x'.repeat(300_000)}</subtitle>${entries(1000)}</feed>`;
      const started = performance.now();
      const result = await parseFeed(body, 'application/atom+xml', null);
      expect(performance.now() - started).toBeLessThan(QUICK_MS);
      if (result.kind !== 'ok') throw new Error(result.reason);
      expect(result.items.length).toBeLessThan(1000);
      expect(result.itemErrors.at(-1)?.reason).toMatch(
        /item\(s\) not read: the feed is too large to read item by item/,
      );
    });
  });
});

describe('parseFeed on an item with 40,000 enclosures, a 2 MiB feed (attack: each one searched for in the list so far)', () => {
  it('keeps each distinct enclosure once, in linear time', async () => {
    const enclosures = Array.from(
      { length: 40_000 },
      (_, i) => `<enclosure url="https://a.example/${i % 39_999}.pem" type="x"/>`,
    ).join('');
    const body = `<rss version="2.0"><channel><title>T</title><item><guid>g</guid>${enclosures}</item></channel></rss>`;
    const started = performance.now();
    const result = await parseFeed(body, 'application/rss+xml', null);
    expect(performance.now() - started).toBeLessThan(QUICK_MS);
    if (result.kind !== 'ok') throw new Error(result.reason);
    expect(result.items[0]?.enclosures).toHaveLength(39_999);
  });
});

describe("parseFeed on an item whose HTML is 8,000 lines ending in <br> (attack: rss-parser's snippet regexes, quadratic)", () => {
  it('reads the item in linear time, its text whole', async () => {
    const lines = 'A1UEChMESVNSRzEQMA4GA1UEAxMHUm9vdCBZRTB2MBAGByqGSM49AgEGB<br>\n'.repeat(8000);
    const body = `<rss version="2.0"><channel><title>T</title><item><guid>g</guid><description><![CDATA[${lines}]]></description></item></channel></rss>`;
    const started = performance.now();
    const result = await parseFeed(body, 'application/rss+xml', null);
    expect(performance.now() - started).toBeLessThan(QUICK_MS);
    if (result.kind !== 'ok') throw new Error(result.reason);
    const content = result.items[0]?.content ?? '';
    expect(content.match(/A1UEChMESVNSRzEQ/g)).toHaveLength(8000);
    expect(content).not.toContain('<br>');
  });
});

describe('openElementsAt', () => {
  describe('when comments, CDATA with HTML, processing instructions and a > inside an attribute come first', () => {
    it('lists only the elements still open, outermost first', () => {
      const xml =
        '<?xml version="1.0"?><!-- <x> --><rss a="1>2"><channel><description><![CDATA[<p>open <br>]]></description><image/><item>';
      expect(openElementsAt(xml, xml.indexOf('<item>'))).toEqual([
        { raw: '<rss a="1>2">', name: 'rss' },
        { raw: '<channel>', name: 'channel' },
      ]);
    });
  });

  describe('when a close tag closes nothing open', () => {
    it('gives up with null', () => {
      expect(openElementsAt('<rss></channel><item>', 15)).toBeNull();
    });
  });
});
