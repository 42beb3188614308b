import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  deliverWebhook,
  openOrJoin,
  timerSleep,
  type WebhookDeps,
  type WebhookEvent,
  webhookEvent,
} from '../../src/escalation';
import { TOP_SHA256, TOP_SPKI, unknownRootFacts } from './facts';

const NOW = new Date('2026-11-25T12:00:00.000Z');

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (n: number, res: ServerResponse) => void;

let server: Server | undefined;

afterEach(async () => {
  const s = server;
  server = undefined;
  if (!s) return;
  s.closeAllConnections();
  await new Promise<void>((done) => s.close(() => done()));
});

/** A receiver on 127.0.0.1 that answers the n-th request (1-based) with `handler`. */
async function receiver(handler: Handler): Promise<{ url: string; received: Received[] }> {
  const received: Received[] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      handler(received.length, res);
    });
  });
  const s = server;
  await new Promise<void>((done) => s.listen(0, '127.0.0.1', () => done()));
  const { port } = s.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/trustgate`, received };
}

/** Backoff sleeps are recorded and return at once; the per-attempt timeout only fires on abort. */
function deps(overrides: Partial<WebhookDeps> = {}): WebhookDeps & { slept: number[] } {
  const slept: number[] = [];
  return {
    slept,
    fetch: (url, init) => fetch(url, init),
    sleep: (ms, signal) => {
      if (signal)
        return new Promise((done) => signal.addEventListener('abort', () => done(), { once: true }));
      slept.push(ms);
      return Promise.resolve();
    },
    now: () => NOW,
    random: () => 0.5,
    ...overrides,
  };
}

function event(): WebhookEvent {
  const facts = unknownRootFacts();
  const { case: c } = openOrJoin(undefined, {
    newCaseId: 'esc_0001',
    vendorId: 'acme',
    top: { subject: 'CN=Acme Root 2026', sha256: TOP_SHA256, spkiSha256: TOP_SPKI },
    chain: facts.chain,
    artifactDigest: `sha256:${'ef'.repeat(32)}`,
    at: NOW,
    stepCount: 6,
  });
  return webhookEvent('escalation.opened', c, {
    eventId: 'evt_1',
    at: NOW,
    serviceBaseUrl: 'https://trustgate.example/',
  });
}

const status =
  (...codes: number[]): Handler =>
  (n, res) => {
    res.statusCode = codes[n - 1] ?? 200;
    res.end('ok');
  };

describe('deliverWebhook', () => {
  describe('when the receiver answers 500 twice, then 200', () => {
    it('delivers on the third attempt after two backoff delays', async () => {
      const { url, received } = await receiver(status(500, 500, 200));
      const d = deps();
      const result = await deliverWebhook(d, url, event(), {
        maxAttempts: 5,
        timeoutMs: 5000,
        baseDelayMs: 1000,
      });
      expect(result).toEqual({ status: 'delivered', attempts: 3, httpStatus: 200, elapsedMs: 0 });
      expect(d.slept).toEqual([750, 1500]);
      expect(received).toHaveLength(3);
      expect(received.map((r) => r.headers['x-trustgate-attempt'])).toEqual(['1', '2', '3']);
      expect(new Set(received.map((r) => r.headers['x-trustgate-delivery']))).toEqual(new Set(['evt_1']));
      expect(received[0]?.headers['content-type']).toBe('application/json');
      expect(received[0]?.headers['x-trustgate-event']).toBe('escalation.opened');
      expect(JSON.parse(received[2]?.body ?? '')).toEqual({
        id: 'evt_1',
        type: 'escalation.opened',
        occurredAt: NOW.toISOString(),
        case: expect.objectContaining({
          id: 'esc_0001',
          state: 'open',
          vendorId: 'acme',
          verificationsBlocked: 1,
          url: 'https://trustgate.example/escalations/esc_0001',
        }),
      });
    });
  });

  describe('when the receiver keeps failing', () => {
    it('gives up after maxAttempts and says how many and why', async () => {
      const { url, received } = await receiver(status(503, 503, 503));
      const result = await deliverWebhook(deps(), url, event(), { maxAttempts: 3, timeoutMs: 5000 });
      expect(result).toMatchObject({
        status: 'gave-up',
        reason: 'exhausted',
        attempts: 3,
        lastError: 'HTTP 503',
      });
      expect(received).toHaveLength(3);
    });
  });

  describe('when the receiver asks to wait with Retry-After', () => {
    it('waits at least that long, within the cap', async () => {
      const { url } = await receiver((n, res) => {
        res.statusCode = n === 1 ? 429 : 204;
        if (n === 1) res.setHeader('retry-after', '7');
        res.end();
      });
      const d = deps();
      const result = await deliverWebhook(d, url, event(), {
        maxAttempts: 3,
        timeoutMs: 5000,
        baseDelayMs: 100,
      });
      expect(result).toMatchObject({ status: 'delivered', attempts: 2, httpStatus: 204 });
      expect(d.slept).toEqual([7000]);
    });
  });

  describe('when the receiver refuses the event', () => {
    it('gives up at once without retrying', async () => {
      const { url, received } = await receiver(status(400));
      const result = await deliverWebhook(deps(), url, event(), { maxAttempts: 5, timeoutMs: 5000 });
      expect(result).toMatchObject({
        status: 'gave-up',
        reason: 'permanent',
        attempts: 1,
        lastError: 'HTTP 400',
      });
      expect(received).toHaveLength(1);
    });
  });

  describe('when the receiver never answers', () => {
    it('times every attempt out and gives up', async () => {
      const { url } = await receiver(() => {
        // hold the request open
      });
      const result = await deliverWebhook(deps({ sleep: timerSleep }), url, event(), {
        maxAttempts: 2,
        timeoutMs: 100,
        baseDelayMs: 1,
      });
      expect(result).toMatchObject({ status: 'gave-up', reason: 'exhausted', attempts: 2 });
      if (result.status === 'gave-up') expect(result.lastError).toBe('no response within 100 ms');
    });
  });

  describe('when nothing listens on the port', () => {
    it('gives up without throwing', async () => {
      const { url } = await receiver(status(200));
      const s = server;
      server = undefined;
      await new Promise<void>((done) => s?.close(() => done()));
      const result = await deliverWebhook(deps(), url, event(), { maxAttempts: 2, timeoutMs: 2000 });
      expect(result).toMatchObject({ status: 'gave-up', reason: 'exhausted', attempts: 2 });
    });
  });

  describe('when the dependencies themselves fail', () => {
    it('never throws', async () => {
      const broken = deps({
        fetch: () => {
          throw new Error('boom');
        },
        sleep: () => Promise.reject(new Error('no timers')),
      });
      const result = await deliverWebhook(broken, 'https://hooks.example/x', event(), {
        maxAttempts: 3,
        timeoutMs: 10,
      });
      expect(result.status).toBe('gave-up');
    });
  });

  describe('when the URL is not http(s)', () => {
    it('gives up before any attempt', async () => {
      const result = await deliverWebhook(deps(), 'file:///etc/passwd', event(), {
        maxAttempts: 3,
        timeoutMs: 10,
      });
      expect(result).toMatchObject({ status: 'gave-up', reason: 'invalid-url', attempts: 0 });
    });
  });
});
