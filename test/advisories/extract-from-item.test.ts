import { describe, expect, it } from 'vitest';
import { type Extraction, extractFromItem, type FeedItem, parseFeed } from '../../src/advisories/index';
import { derOf, fixtureText, pemBlocks } from './helpers/feed-server';

const YE_SHA256 = 'e14ffcad5b0025731006caa43a121a22d8e9700f4fb9cf852f02a708aa5d5666';
const YE_SHA1 = 'a9571557a77db78ffac2e97b57b898569039c340';
const X1_SHA1 = 'cabd2a79a1076a31f21d253635cb039d4329a5e8';
const YE_SPKI_SHA256 = Buffer.from('sCkq5UWXjg+7mKu9lMhhYF5bGLsy7VI/UNW3tccdR7w=', 'base64').toString('hex');

function item(content: string, extra: Partial<FeedItem> = {}): FeedItem {
  return { guid: 'g', title: '', link: null, published: null, content, links: [], enclosures: [], ...extra };
}
const hexes = (content: string) =>
  extractFromItem(item(content)).fingerprints.map((f) => `${f.algorithm}:${f.hex}`);

describe('extractFromItem', () => {
  describe('when a fingerprint follows a keyword', () => {
    it('reads colon-separated upper-case SHA-256', () => {
      expect(
        hexes(
          'SHA-256 fingerprint: E1:4F:FC:AD:5B:00:25:73:10:06:CA:A4:3A:12:1A:22:D8:E9:70:0F:4F:B9:CF:85:2F:02:A7:08:AA:5D:56:66',
        ),
      ).toEqual([`sha256:${YE_SHA256}`]);
    });

    it('reads space-separated SHA-1 thumbprints and plain lower-case hex', () => {
      expect(hexes('Thumbprint: A9 57 15 57 A7 7D B7 8F FA C2 E9 7B 57 B8 98 56 90 39 C3 40')).toEqual([
        `sha1:${YE_SHA1}`,
      ]);
      expect(hexes(`sha256 ${YE_SHA256}`)).toEqual([`sha256:${YE_SHA256}`]);
      expect(hexes(`SHA1 Fingerprint=${X1_SHA1.toUpperCase()}`)).toEqual([`sha1:${X1_SHA1}`]);
    });

    it('reads SHA256:<base64> on its own', () => {
      const [f] = extractFromItem(
        item('key SHA256:sCkq5UWXjg+7mKu9lMhhYF5bGLsy7VI/UNW3tccdR7w= is new'),
      ).fingerprints;
      expect(f).toMatchObject({ algorithm: 'sha256', hex: YE_SPKI_SHA256, form: 'base64' });
    });

    it('reads a fingerprint followed by its keyword on the same line, and keeps the context', () => {
      const [f] = extractFromItem(item(`Root YE: ${YE_SHA256} (SHA-256)`)).fingerprints;
      expect(f).toMatchObject({ hex: YE_SHA256, form: 'plain' });
      expect(f?.context).toContain('Root YE:');
    });

    it('reads a list of fingerprints under one heading', () => {
      const list = [
        'SHA-256 fingerprints of the new roots:',
        '- ISRG Root YE: E1:4F:FC:AD:5B:00:25:73:10:06:CA:A4:3A:12:1A:22:D8:E9:70:0F:4F:B9:CF:85:2F:02:A7:08:AA:5D:56:66',
        '- ISRG Root YR: E5:7B:7E:6F:15:0C:41:91:02:E8:D5:C0:55:72:9F:F9:67:B9:D1:A8:29:BF:00:CE:C8:9C:A6:04:EB:F4:A8:6F',
      ].join('\n');
      expect(hexes(list)).toEqual([
        `sha256:${YE_SHA256}`,
        'sha256:e57b7e6f150c419102e8d5c055729ff967b9d1a829bf00cec89ca604ebf4a86f',
      ]);
    });

    it('reads the same fingerprint once', () => {
      expect(hexes(`SHA-256: ${YE_SHA256}\nagain, SHA-256: ${YE_SHA256.toUpperCase()}`)).toHaveLength(1);
    });
  });

  describe('when a hex string is far from any keyword', () => {
    it('does not take a 40-hex git commit id or a 64-hex file digest', () => {
      const text = [
        'We moved the documentation to a new theme.',
        'Our tooling changes landed in commit 3f786850e387550fdab836ed7e6dc881de23001b of the website repository.',
        'The archive digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 is on the downloads page.',
      ].join('\n');
      expect(hexes(text)).toEqual([]);
    });

    it('does not take a commit id whose keyword is past the window or on the next line', () => {
      const far = `SHA-256 fingerprints are published on the certificates page. ${'Some unrelated prose. '.repeat(8)}Fixed in 3f786850e387550fdab836ed7e6dc881de23001b.`;
      expect(hexes(far)).toEqual([]);
      expect(hexes('Fixed in 3f786850e387550fdab836ed7e6dc881de23001b\nSHA-1 is deprecated.')).toEqual([]);
    });

    it('does not take hex of other lengths or hex inside longer words', () => {
      expect(hexes('fingerprint: d41d8cd98f00b204e9800998ecf8427e')).toEqual([]); // MD5 length
      expect(hexes(`fingerprint: x${YE_SHA256}`)).toEqual([]);
    });
  });

  describe('when an item carries certificates', () => {
    it('reads PEM blocks (also from HTML with <br>) and does not scan them for fingerprints', async () => {
      const parsed = await parseFeed(fixtureText('vendor-rss.xml'), 'application/rss+xml');
      if (parsed.kind !== 'ok') throw new Error(parsed.reason);
      const withPem = parsed.items.find((i) => i.guid.endsWith('/root-ye-pem/'));
      const extraction = extractFromItem(withPem as FeedItem);
      const [expected] = pemBlocks('letsencrypt-gen-y-root-ye_chain.pem');
      expect(extraction.pems).toHaveLength(1);
      expect(extraction.pems[0]?.der).toEqual(derOf(expected as string));
      expect(extraction.fingerprints).toEqual([]);
    });

    it('lists links and enclosures to .pem/.crt/.cer/.der files and enclosures typed as certificates', () => {
      const extraction = extractFromItem(
        item('see attachments', {
          links: [
            'https://vendor.example/certs/root.pem',
            'https://vendor.example/certs/root.CER?download=1',
            'https://vendor.example/blog/',
            'https://vendor.example/certs/root.txt',
          ],
          enclosures: [
            { url: 'https://vendor.example/certs/x2.der', type: null, length: null },
            { url: 'https://vendor.example/download?id=7', type: 'application/pkix-cert', length: 900 },
            { url: 'https://vendor.example/faq.pdf', type: 'application/pdf', length: 1 },
          ],
        }),
      );
      expect(extraction.certificateLinks).toEqual([
        'https://vendor.example/certs/x2.der',
        'https://vendor.example/download?id=7',
        'https://vendor.example/certs/root.pem',
        'https://vendor.example/certs/root.CER?download=1',
      ]);
    });
  });

  describe('when given the vendor RSS fixture', () => {
    it('finds the announced fingerprints and the chain link, and nothing from the maintenance post', async () => {
      const parsed = await parseFeed(fixtureText('vendor-rss.xml'), 'application/rss+xml');
      if (parsed.kind !== 'ok') throw new Error(parsed.reason);
      const found: Record<string, Extraction> = Object.fromEntries(
        parsed.items.map((i) => [i.guid.split('/').at(-2) ?? '', extractFromItem(i)]),
      );
      expect(found.website?.fingerprints).toEqual([]);
      expect(found['root-ye']?.fingerprints.map((f) => f.hex)).toEqual([YE_SHA256]);
      expect(found['root-ye']?.certificateLinks).toEqual([
        'https://vendor.example/certs/gen-y/root-ye-chain.pem',
      ]);
      expect(found.legacy?.fingerprints.map((f) => `${f.algorithm}:${f.hex}`)).toEqual([`sha1:${X1_SHA1}`]);
      expect(found.legacy?.certificateLinks).toEqual(['https://vendor.example/certs/legacy-root.crt']);
    });
  });
});

describe('extractFromItem on an item that links 40,000 certificates (attack: each link searched for in the list so far)', () => {
  it('keeps each distinct link once, in order', () => {
    const links = Array.from({ length: 40_000 }, (_, i) => `https://a.example/${i % 39_999}.pem`);
    const extraction = extractFromItem({ ...item(''), links });
    expect(extraction.certificateLinks).toHaveLength(39_999);
    expect(extraction.certificateLinks[0]).toBe('https://a.example/0.pem');
    expect(extraction.certificateLinks.at(-1)).toBe('https://a.example/39998.pem');
  });
});
