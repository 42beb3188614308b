import { describe, expect, it } from 'vitest';
import { selectDueFeeds } from '../../src/advisories/index';
import { PINNED_NOW } from './helpers/feed-server';

const feed = (id: string, nextPollAt: string | null, status: 'active' | 'disabled' = 'active') => ({
  id,
  status,
  nextPollAt,
});

describe('selectDueFeeds', () => {
  describe('when some feeds are due', () => {
    it('returns active due feeds, never-polled and most overdue first, up to the maximum', () => {
      const feeds = [
        feed('later', '2026-06-01T12:30:00.000Z'),
        feed('due', '2026-06-01T11:59:00.000Z'),
        feed('overdue', '2026-06-01T08:00:00.000Z'),
        feed('new', null),
        feed('disabled', '2026-06-01T07:00:00.000Z', 'disabled'),
        feed('now', '2026-06-01T12:00:00.000Z'),
      ];
      expect(selectDueFeeds(feeds, PINNED_NOW, 10).map((f) => f.id)).toEqual([
        'new',
        'overdue',
        'due',
        'now',
      ]);
      expect(selectDueFeeds(feeds, PINNED_NOW, 2).map((f) => f.id)).toEqual(['new', 'overdue']);
    });
  });
});
