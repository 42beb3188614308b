import { describe, expect, it } from 'vitest';
import { TrustgateError } from '../../src/errors';
import { createRequestBudget, RETRY_AFTER_SECONDS } from '../../src/http/request-budget';

const limits = { maxBufferedBytes: 1000, maxConcurrentVerifications: 2, maxQueuedVerifications: 1 };

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error instanceof TrustgateError ? error : null;
  }
  return null;
};

describe('request budget', () => {
  describe('when requests hold more bytes than the budget', () => {
    it('refuses the one that would go over with SERVER_BUSY and a retry delay, holding nothing for it', () => {
      const budget = createRequestBudget(limits);
      const first = budget.reservation();
      first.hold(800);
      const second = budget.reservation();
      const refused = codeOf(() => second.hold(300));
      expect(refused?.code).toBe('SERVER_BUSY');
      expect(refused?.status).toBe(503);
      expect(refused?.extra).toEqual({ retryAfterSeconds: RETRY_AFTER_SECONDS });
      expect(second.held).toBe(0);
      expect(budget.usage().bufferedBytes).toBe(800);
    });

    it('takes the same request again once the first one released its bytes', () => {
      const budget = createRequestBudget(limits);
      const first = budget.reservation();
      first.hold(800);
      first.release();
      first.release(); // twice: nothing more is given back
      const second = budget.reservation();
      second.hold(1000);
      expect(budget.usage().bufferedBytes).toBe(1000);
    });

    it('gives back a part a request dropped early, never more than it held', () => {
      const budget = createRequestBudget(limits);
      const other = budget.reservation();
      other.hold(300);
      const mine = budget.reservation();
      mine.hold(500);
      mine.giveBack(900);
      expect(mine.held).toBe(0);
      expect(budget.usage().bufferedBytes).toBe(300);
    });
  });

  describe('when more verifications arrive than may run at once', () => {
    it('queues within the bound, refuses past it, and hands a freed slot to the first waiter', async () => {
      const budget = createRequestBudget(limits);
      const a = await budget.verificationSlot();
      await budget.verificationSlot();
      const waiting = budget.verificationSlot();
      await expect(budget.verificationSlot()).rejects.toMatchObject({ code: 'SERVER_BUSY' });
      expect(budget.usage()).toMatchObject({ verifications: 2, queuedVerifications: 1 });
      a.release();
      a.release(); // twice: one slot is given back once
      const c = await waiting;
      expect(budget.usage()).toMatchObject({ verifications: 2, queuedVerifications: 0 });
      c.release();
      expect(budget.usage()).toMatchObject({ verifications: 1, queuedVerifications: 0 });
    });

    it('drops a waiter whose client went away, with REQUEST_ABORTED', async () => {
      const budget = createRequestBudget(limits);
      await budget.verificationSlot();
      await budget.verificationSlot();
      const client = new AbortController();
      const waiting = budget.verificationSlot(() => client.signal);
      client.abort();
      await expect(waiting).rejects.toMatchObject({ code: 'REQUEST_ABORTED' });
      expect(budget.usage().queuedVerifications).toBe(0);
    });
  });
});
