import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/encoding';

const PINNED_NOW = new Date('2026-06-01T12:00:00.000Z');

describe('parseRetryAfter', () => {
  describe('when given delay-seconds', () => {
    it('adds them to now', () => {
      expect(parseRetryAfter('0', PINNED_NOW)).toEqual(PINNED_NOW);
      expect(parseRetryAfter(' 3600 ', PINNED_NOW)).toEqual(new Date('2026-06-01T13:00:00Z'));
    });
  });

  describe('when a webhook receiver sends seconds or an HTTP-date', () => {
    it('gives the instant to wait until', () => {
      const now = new Date('2026-11-25T12:00:00Z');
      expect(parseRetryAfter('3', now)).toEqual(new Date('2026-11-25T12:00:03Z'));
      expect(parseRetryAfter('Wed, 25 Nov 2026 12:00:10 GMT', now)).toEqual(new Date('2026-11-25T12:00:10Z'));
      expect(parseRetryAfter('soon', now)).toBeNull();
      expect(parseRetryAfter(null, now)).toBeNull();
    });
  });

  describe('when given an HTTP-date', () => {
    it('reads IMF-fixdate and never returns a time in the past', () => {
      expect(parseRetryAfter('Mon, 01 Jun 2026 12:05:00 GMT', PINNED_NOW)).toEqual(
        new Date('2026-06-01T12:05:00Z'),
      );
      expect(parseRetryAfter('Sun, 31 May 2026 12:00:00 GMT', PINNED_NOW)).toEqual(PINNED_NOW);
    });

    it('reads the obsolete RFC 850 and asctime forms', () => {
      const at = new Date('2026-06-01T12:00:10Z');
      expect(parseRetryAfter('Monday, 01-Jun-26 12:00:10 GMT', PINNED_NOW)).toEqual(at);
      expect(parseRetryAfter('Mon Jun  1 12:00:10 2026', PINNED_NOW)?.getTime()).toBeGreaterThanOrEqual(
        PINNED_NOW.getTime(),
      );
    });
  });

  describe('when the value is absent or unreadable', () => {
    it('returns null', () => {
      for (const v of [null, '', '   ', 'soon', '-5', '1.5', '+5', '5s', '0x10', '2026-06-01', 'Mon, junk'])
        expect(parseRetryAfter(v, PINNED_NOW)).toBeNull();
    });

    it('returns null for a delay past what a date can hold', () => {
      expect(parseRetryAfter('9007199254740993', PINNED_NOW)).toBeNull();
      expect(parseRetryAfter('9007199254740', PINNED_NOW)).toBeNull();
    });
  });
});
