import { describe, expect, it } from 'vitest';
import { htmlLinks, htmlToText, looksLikeHtml } from '../../src/advisories/html-text';
import { parseFeed } from '../../src/advisories/parse-feed';

/** Seconds versus minutes, not a benchmark: the backtracking regexes took 24 s to 214 s on these (the bound leaves room for a loaded CI machine). */
const QUICK_MS = 10_000;
const MB = 1024 * 1024;
const flood = (piece: string) => piece.repeat(Math.floor((2 * MB) / piece.length));

describe('feed markup that opens many times and never closes', () => {
  describe('when item HTML floods comment, script, tag or link openings', () => {
    it('is turned into text and links in linear time (regression: quadratic regexes)', () => {
      for (const piece of ['<!--', '<script>', '<a href', '<title>', '<p']) {
        const html = flood(piece);
        const started = performance.now();
        htmlToText(html);
        htmlLinks(html);
        looksLikeHtml(html);
        expect(performance.now() - started, piece).toBeLessThan(QUICK_MS);
      }
    });
  });

  describe('when a whole feed floods processing instructions, comments, titles or unclosed items', () => {
    it('is parsed or refused in linear time (regression: quadratic regexes)', async () => {
      for (const piece of ['<?', '<!--', '<title>', '<item>', '<guid>']) {
        const body = `<?xml version="1.0"?><rss version="2.0"><channel>${flood(piece)}`;
        const started = performance.now();
        await parseFeed(body, 'application/rss+xml', null).catch(() => undefined);
        expect(performance.now() - started, piece).toBeLessThan(QUICK_MS);
      }
    });
  });

  describe('when the markup is ordinary', () => {
    it('still reads text, links and titles', () => {
      const html =
        '<p>New root <a href="https://vendor.example/r2.pem">R2</a></p><!-- x --><script>evil()</script>done';
      expect(htmlToText(html)).toBe('New root R2\ndone');
      expect(htmlLinks(html)).toEqual(['https://vendor.example/r2.pem']);
      expect(looksLikeHtml(html)).toBe(true);
      expect(looksLikeHtml('a < b and c > d')).toBe(false);
    });
  });
});
