import { describe, expect, it } from 'vitest';
import { refuseWhileClosing, shutdownOnSignals, withinGrace } from '../../src/platform/graceful-shutdown';

describe('refuseWhileClosing', () => {
  describe('when the server is closing and a request arrives on a kept-alive connection', () => {
    it('answers 503 SERVER_BUSY with Retry-After and Connection: close, without calling the app', async () => {
      let closing = false;
      let calls = 0;
      const fetch = refuseWhileClosing(
        () => {
          calls++;
          return new Response('ok');
        },
        () => closing,
      );
      expect(await (await fetch(new Request('http://x/health'))).text()).toBe('ok');
      closing = true;
      const res = await fetch(new Request('http://x/verify', { method: 'POST' }));
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(res.headers.get('retry-after')).toBe('5');
      expect(res.headers.get('connection')).toBe('close');
      expect(await res.json()).toMatchObject({ code: 'SERVER_BUSY', status: 503 });
      expect(calls).toBe(1);
    });
  });
});

describe('withinGrace', () => {
  it('is true when the work settles in time (even by failing) and false when it does not', async () => {
    expect(await withinGrace(Promise.resolve(), 50)).toBe(true);
    expect(await withinGrace(Promise.reject(new Error('x')), 50)).toBe(true);
    expect(await withinGrace(new Promise(() => undefined), 20)).toBe(false);
  });
});

describe('shutdownOnSignals', () => {
  const harness = (stop: () => Promise<void>) => {
    const handlers = new Map<string, () => void>();
    const exits: number[] = [];
    const lines: string[] = [];
    shutdownOnSignals({
      stop,
      graceSeconds: 10,
      log: (line) => lines.push(line),
      exit: (code) => exits.push(code),
      on: (signal, handler) => handlers.set(signal, handler),
    });
    return { send: (signal: string) => handlers.get(signal)?.(), exits, lines };
  };
  const tick = () => new Promise((r) => setTimeout(r, 0));

  describe('when stopping succeeds', () => {
    it('exits 0 after it', async () => {
      const h = harness(() => Promise.resolve());
      h.send('SIGINT');
      await tick();
      expect(h.exits).toEqual([0]);
      expect(h.lines[0]).toMatch(/^SIGINT: shutting down/);
    });
  });

  describe('when closing fails', () => {
    it('exits 1', async () => {
      const h = harness(() => Promise.reject(new Error('database close failed')));
      h.send('SIGTERM');
      await tick();
      expect(h.exits).toEqual([1]);
    });
  });

  describe('when a second signal arrives before stopping ends', () => {
    it('exits at once with 128 + its number', () => {
      const h = harness(() => new Promise(() => undefined));
      h.send('SIGTERM');
      h.send('SIGINT');
      expect(h.exits).toEqual([130]);
    });
  });
});
