import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/advisories/index';
import { PINNED_NOW } from './helpers/feed-server';

describe('parseRetryAfter', () => {
  describe('when given delay-seconds', () => {
    it('adds them to now', () => {
      expect(parseRetryAfter('0', PINNED_NOW)).toEqual(PINNED_NOW);
      expect(parseRetryAfter(' 3600 ', PINNED_NOW)).toEqual(new Date('2026-06-01T13:00:00Z'));
    });
  });

  describe('when given an HTTP-date', () => {
    it('reads IMF-fixdate and never returns a time in the past', () => {
      expect(parseRetryAfter('Mon, 01 Jun 2026 12:05:00 GMT', PINNED_NOW)).toEqual(
        new Date('2026-06-01T12:05:00Z'),
      );
      expect(parseRetryAfter('Sun, 31 May 2026 12:00:00 GMT', PINNED_NOW)).toEqual(PINNED_NOW);
    });
  });

  describe('when the value is absent or unreadable', () => {
    it('returns null', () => {
      for (const v of [null, '', 'soon', '-5', '1.5', '2026-06-01'])
        expect(parseRetryAfter(v, PINNED_NOW)).toBeNull();
    });
  });
});
