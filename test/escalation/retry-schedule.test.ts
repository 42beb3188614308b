import { describe, expect, it } from 'vitest';
import { MAX_WEBHOOK_ATTEMPTS, webhookRetryDelays } from '../../src/escalation';

describe('webhookRetryDelays', () => {
  describe('when jitter is at its extremes', () => {
    it('doubles from half the step to the full step', () => {
      const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 60_000 };
      expect(webhookRetryDelays(policy, () => 0)).toEqual([500, 1000, 2000, 4000]);
      expect(webhookRetryDelays(policy, () => 0.999999)).toEqual([1000, 2000, 4000, 8000]);
    });
  });

  describe('when the exponential step passes the cap', () => {
    it('stays at or below the cap', () => {
      const delays = webhookRetryDelays(
        { maxAttempts: 10, baseDelayMs: 1000, maxDelayMs: 5000 },
        () => 0.999999,
      );
      expect(Math.max(...delays)).toBe(5000);
      expect(delays.slice(-3)).toEqual([5000, 5000, 5000]);
    });
  });

  describe('when the attempt count is out of bounds', () => {
    it('clamps it to 1..MAX_WEBHOOK_ATTEMPTS', () => {
      expect(webhookRetryDelays({ maxAttempts: 1000 }, () => 0.5)).toHaveLength(MAX_WEBHOOK_ATTEMPTS - 1);
      expect(webhookRetryDelays({ maxAttempts: 0 }, () => 0.5)).toEqual([]);
      expect(webhookRetryDelays({ maxAttempts: Number.NaN }, () => 0.5)).toEqual([]);
    });
  });

  describe('when random misbehaves', () => {
    it('keeps every delay within its bounds', () => {
      const delays = webhookRetryDelays({ maxAttempts: 3, baseDelayMs: 100 }, () => Number.NaN);
      expect(delays).toEqual([75, 150]);
      expect(webhookRetryDelays({ maxAttempts: 2, baseDelayMs: 100 }, () => 7)).toEqual([100]);
    });
  });
});
