import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, type FeedState, nextPollAt } from '../../src/advisories/index';
import { PINNED_NOW } from './helpers/feed-server';

const feed: FeedState = {
  id: 'f',
  vendorId: 'acme',
  url: 'https://vendor.example/feed.xml',
  etag: null,
  lastModified: null,
  status: 'active',
  disabledReason: null,
  consecutiveFailures: 0,
};
const at = (seconds: number) => new Date(PINNED_NOW.getTime() + seconds * 1000);
const fixed = (r: number) => () => r;

describe('nextPollAt', () => {
  describe('when the poll succeeded', () => {
    it('waits the base interval with jitter within ±10%', () => {
      const base = DEFAULT_SCHEDULE.baseIntervalSeconds;
      expect(nextPollAt(feed, { kind: 'ok' }, PINNED_NOW, fixed(0)).nextPollAt).toEqual(at(base * 0.9));
      expect(nextPollAt(feed, { kind: 'ok' }, PINNED_NOW, fixed(0.5)).nextPollAt).toEqual(at(base));
      expect(nextPollAt(feed, { kind: 'not_modified' }, PINNED_NOW, fixed(0.75)).nextPollAt).toEqual(
        at(base * 1.05),
      );
    });

    it("uses the feed's own interval and resets failures", () => {
      const decision = nextPollAt(
        { ...feed, pollIntervalSeconds: 600, consecutiveFailures: 4 },
        { kind: 'ok' },
        PINNED_NOW,
        fixed(0.5),
      );
      expect(decision).toEqual({
        nextPollAt: at(600),
        status: 'active',
        disabledReason: null,
        consecutiveFailures: 0,
        lastError: null,
      });
    });
  });

  describe('when polls fail', () => {
    it('backs off exponentially with full jitter up to the cap', () => {
      const error = { kind: 'error' as const, reason: 'http_status', detail: 'HTTP 500' };
      const upper = (failuresBefore: number) =>
        nextPollAt({ ...feed, consecutiveFailures: failuresBefore }, error, PINNED_NOW, () => 0.999999)
          .nextPollAt;
      const lower = nextPollAt(feed, error, PINNED_NOW, fixed(0)).nextPollAt;
      expect(lower).toEqual(at(DEFAULT_SCHEDULE.backoffFloorSeconds));
      expect(upper(0)?.getTime()).toBeCloseTo(at(60).getTime(), -2);
      expect(upper(1)?.getTime()).toBeCloseTo(at(120).getTime(), -2);
      expect(upper(3)?.getTime()).toBeCloseTo(at(480).getTime(), -2);
      expect(upper(12)?.getTime()).toBeCloseTo(at(DEFAULT_SCHEDULE.backoffCapSeconds).getTime(), -2);
      const decision = nextPollAt({ ...feed, consecutiveFailures: 2 }, error, PINNED_NOW, fixed(0.5));
      expect(decision).toMatchObject({
        status: 'active',
        consecutiveFailures: 3,
        lastError: 'http_status: HTTP 500',
      });
    });

    it('honours Retry-After, clamped to the maximum', () => {
      const soon = nextPollAt(
        feed,
        { kind: 'retry_later', until: at(900), reason: 'HTTP 429' },
        PINNED_NOW,
        fixed(0),
      );
      expect(soon).toMatchObject({ nextPollAt: at(900), consecutiveFailures: 1, status: 'active' });
      const far = nextPollAt(
        feed,
        { kind: 'retry_later', until: at(30 * 24 * 3600), reason: 'HTTP 503' },
        PINNED_NOW,
        fixed(0),
      );
      expect(far.nextPollAt).toEqual(at(DEFAULT_SCHEDULE.maxRetryAfterSeconds));
    });

    it('disables the feed after the maximum run of failures, saying why', () => {
      const decision = nextPollAt(
        { ...feed, consecutiveFailures: DEFAULT_SCHEDULE.maxConsecutiveFailures - 1 },
        { kind: 'error', reason: 'timeout', detail: 'no answer within 15000 ms' },
        PINNED_NOW,
        fixed(0.5),
      );
      expect(decision).toEqual({
        nextPollAt: null,
        status: 'disabled',
        disabledReason: `disabled after ${DEFAULT_SCHEDULE.maxConsecutiveFailures} failed polls in a row; last: timeout: no answer within 15000 ms`,
        consecutiveFailures: DEFAULT_SCHEDULE.maxConsecutiveFailures,
        lastError: 'timeout: no answer within 15000 ms',
      });
    });
  });

  describe('when the feed is gone', () => {
    it('disables it at once with a reason naming the URL', () => {
      const decision = nextPollAt(feed, { kind: 'gone' }, PINNED_NOW, fixed(0.5));
      expect(decision.status).toBe('disabled');
      expect(decision.nextPollAt).toBeNull();
      expect(decision.disabledReason).toContain('410');
      expect(decision.disabledReason).toContain(feed.url);
    });
  });

  describe('when the feed is already disabled', () => {
    it('keeps it disabled even after a successful manual poll', () => {
      const decision = nextPollAt(
        { ...feed, status: 'disabled', disabledReason: 'the feed answered 410 Gone' },
        { kind: 'ok' },
        PINNED_NOW,
        fixed(0.5),
      );
      expect(decision).toMatchObject({
        status: 'disabled',
        nextPollAt: null,
        disabledReason: 'the feed answered 410 Gone',
      });
    });
  });
});
