import { describe, expect, it } from 'vitest';
import {
  diffItem,
  extractFromItem,
  type FeedItem,
  itemContentHash,
  itemSnapshot,
} from '../../src/advisories/index';
import { subtle } from './helpers/feed-server';

const base: FeedItem = {
  guid: 'https://vendor.example/2026/05/20/root-ye/',
  title: 'New Root YE',
  link: 'https://vendor.example/2026/05/20/root-ye/',
  published: '2026-05-20T16:00:00.000Z',
  content:
    'SHA-256 fingerprint: E1:4F:FC:AD:5B:00:25:73:10:06:CA:A4:3A:12:1A:22:D8:E9:70:0F:4F:B9:CF:85:2F:02:A7:08:AA:5D:56:66',
  links: ['https://vendor.example/a', 'https://vendor.example/b'],
  enclosures: [],
};
const snapshot = (item: FeedItem) => itemSnapshot(item, extractFromItem(item), subtle);

describe('itemContentHash', () => {
  describe('when only presentation changes', () => {
    it('is stable over whitespace, link order and the date', async () => {
      const h1 = await itemContentHash(base, subtle);
      const h2 = await itemContentHash(
        {
          ...base,
          content: `  ${base.content.replace(': ', ':\n   ')}  `,
          links: [...base.links].reverse(),
          published: '2026-05-22T00:00:00.000Z',
        },
        subtle,
      );
      expect(h1).toMatch(/^[0-9a-f]{64}$/);
      expect(h2).toBe(h1);
    });
  });

  describe('when what the item says changes', () => {
    it('changes with the title, the text, the links and the enclosures', async () => {
      const h = await itemContentHash(base, subtle);
      const variants: FeedItem[] = [
        { ...base, title: 'New Root YE (updated)' },
        { ...base, content: `${base.content} Correction below.` },
        { ...base, links: [...base.links, 'https://vendor.example/c'] },
        { ...base, enclosures: [{ url: 'https://vendor.example/r.pem', type: null, length: null }] },
      ];
      for (const v of variants) expect(await itemContentHash(v, subtle)).not.toBe(h);
    });
  });
});

describe('diffItem', () => {
  describe('when the guid was never seen', () => {
    it('says new', async () => {
      const current = await snapshot(base);
      expect(diffItem(undefined, current)).toMatchObject({ change: 'new', fingerprintsChanged: false });
    });
  });

  describe('when the item is the same', () => {
    it('says unchanged', async () => {
      const current = await snapshot(base);
      expect(diffItem(current, await snapshot({ ...base }))).toEqual({
        change: 'unchanged',
        fingerprintsChanged: false,
        added: [],
        removed: [],
      });
    });
  });

  describe('when the text is edited but announces the same fingerprints', () => {
    it('says edited without flagging fingerprints', async () => {
      const before = await snapshot(base);
      const after = await snapshot({ ...base, content: `Typo fixed. ${base.content}` });
      expect(diffItem(before, after)).toEqual({
        change: 'edited',
        fingerprintsChanged: false,
        added: [],
        removed: [],
      });
    });
  });

  describe('when an edit changes a fingerprint', () => {
    it('flags it loudly with what was added and removed', async () => {
      const before = await snapshot(base);
      const after = await snapshot({ ...base, content: base.content.replace('56:66', '56:67') });
      expect(diffItem(before, after)).toEqual({
        change: 'edited',
        fingerprintsChanged: true,
        added: ['sha256:e14ffcad5b0025731006caa43a121a22d8e9700f4fb9cf852f02a708aa5d5667'],
        removed: ['sha256:e14ffcad5b0025731006caa43a121a22d8e9700f4fb9cf852f02a708aa5d5666'],
      });
    });

    it('flags a changed certificate link too', async () => {
      const before = await snapshot({ ...base, links: ['https://vendor.example/certs/root-ye.pem'] });
      const after = await snapshot({ ...base, links: ['https://vendor.example/certs/root-ye-v2.pem'] });
      expect(diffItem(before, after)).toMatchObject({
        change: 'edited',
        fingerprintsChanged: true,
        added: ['link:https://vendor.example/certs/root-ye-v2.pem'],
        removed: ['link:https://vendor.example/certs/root-ye.pem'],
      });
    });
  });
});
