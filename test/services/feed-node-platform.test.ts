import { createServer as createHttpServer } from 'node:http';
import { createServer as createTcpServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardedFeedFetch } from '../../src/platform/feed-fetch';
import { startFeedTimer } from '../../src/platform/feed-timer';
import type { FeedPollingReport } from '../../src/services/feeds';
import { type FeedServer, serve, startFeedServer } from '../advisories/helpers/feed-server';

describe('guardedFeedFetch (the Node feed poller fetch)', () => {
  let server: FeedServer;
  beforeAll(async () => {
    server = await startFeedServer();
    server.route('/feed.xml', serve('ok'));
  });
  afterAll(async () => {
    await server.close();
  });
  const resolvesTo = (address: string) => async () => [{ address }];

  describe('when private addresses are not allowed (the default)', () => {
    it('refuses a name that resolves to a private or loopback address, before connecting', async () => {
      for (const address of ['127.0.0.1', '10.0.0.5', '::1', '169.254.169.254']) {
        const guarded = guardedFeedFetch({ allowPrivate: false, lookup: resolvesTo(address) });
        await expect(guarded('https://feeds.vendor.example/feed.xml', {}), address).rejects.toThrow(
          /address not allowed: feeds\.vendor\.example resolves to/,
        );
      }
      expect(server.requests).toEqual([]);
    });

    it('refuses a literal loopback address and lets a public name through', async () => {
      const guarded = guardedFeedFetch({ allowPrivate: false, lookup: resolvesTo('127.0.0.1') });
      await expect(guarded(`${server.origin}/feed.xml`, {})).rejects.toThrow(
        /address not allowed: 127\.0\.0\.1/,
      );
      const asked: string[] = [];
      const passing = guardedFeedFetch({
        allowPrivate: false,
        lookup: resolvesTo('93.184.215.14'),
        fetch: async (url) => {
          asked.push(url);
          return new Response('ok');
        },
      });
      expect((await passing('https://feeds.vendor.example/feed.xml', {})).status).toBe(200);
      expect(asked).toEqual(['https://feeds.vendor.example/feed.xml']);
    });
  });

  describe('when a name resolves to a public address first and to loopback when connecting (rebinding)', () => {
    it('refuses at connect time: the address checked is the address connected to', async () => {
      let calls = 0;
      const rebinding = async () => [{ address: calls++ === 0 ? '93.184.215.14' : '127.0.0.1' }];
      const guarded = guardedFeedFetch({ allowPrivate: false, lookup: rebinding });
      await expect(
        guarded(`http://feeds.vendor.example:${new URL(server.origin).port}/feed.xml`, {}),
      ).rejects.toThrow(/address not allowed: feeds\.vendor\.example resolves to 127\.0\.0\.1/);
      expect(calls).toBe(2);
      expect(server.requests).toEqual([]);
    });
  });

  describe('when the guard approves the address a name resolves to', () => {
    it('connects to that address and streams the answer as a web Response', async () => {
      const guarded = guardedFeedFetch({
        allowPrivate: false,
        lookup: resolvesTo('127.0.0.1'),
        isAllowedAddress: (address) => address === '127.0.0.1',
      });
      const response = await guarded(`http://feeds.vendor.example:${new URL(server.origin).port}/feed.xml`, {
        headers: { accept: 'application/rss+xml' },
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe('ok');
      expect(server.requests.at(-1)).toMatchObject({
        path: '/feed.xml',
        headers: {
          accept: 'application/rss+xml',
          host: `feeds.vendor.example:${new URL(server.origin).port}`,
        },
      });
    });
  });

  describe('when the request has a body (an OCSP request is a POST)', () => {
    it('sends the body with its length (regression: the body was dropped)', async () => {
      const received: Array<{ method: string; type: string; length: string; body: string }> = [];
      const poster = createHttpServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({
            method: req.method ?? '',
            type: req.headers['content-type'] ?? '',
            length: req.headers['content-length'] ?? '',
            body: Buffer.concat(chunks).toString('hex'),
          });
          res.end('ok');
        });
      });
      await new Promise<void>((resolve) => poster.listen(0, '127.0.0.1', resolve));
      try {
        const port = (poster.address() as { port: number }).port;
        const guarded = guardedFeedFetch({
          allowPrivate: false,
          lookup: resolvesTo('127.0.0.1'),
          isAllowedAddress: (address) => address === '127.0.0.1',
        });
        const response = await guarded(`http://ocsp.vendor.example:${port}/`, {
          method: 'POST',
          headers: { 'content-type': 'application/ocsp-request' },
          body: Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x05),
        });
        expect(await response.text()).toBe('ok');
        expect(received).toEqual([
          { method: 'POST', type: 'application/ocsp-request', length: '5', body: '3003020105' },
        ]);
      } finally {
        await new Promise((resolve) => poster.close(resolve));
      }
    });
  });

  describe('when the server answers 101 Switching Protocols', () => {
    it('rejects at once instead of waiting forever (regression: the promise never settled)', async () => {
      const tcp = createTcpServer((socket) => {
        socket.once('data', () =>
          socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: Upgrade\r\n\r\n'),
        );
      });
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
      const port = (tcp.address() as { port: number }).port;
      try {
        const guarded = guardedFeedFetch({
          allowPrivate: false,
          lookup: resolvesTo('127.0.0.1'),
          isAllowedAddress: (address) => address === '127.0.0.1',
        });
        await expect(guarded(`http://feeds.vendor.example:${port}/feed.xml`, {})).rejects.toThrow(/101/);
      } finally {
        await new Promise((resolve) => tcp.close(resolve));
      }
    });
  });

  describe('when the caller aborts before any answer', () => {
    it('rejects with the abort', async () => {
      const tcp = createTcpServer(() => undefined); // accepts and never answers
      await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
      const port = (tcp.address() as { port: number }).port;
      try {
        const guarded = guardedFeedFetch({
          allowPrivate: false,
          lookup: resolvesTo('127.0.0.1'),
          isAllowedAddress: (address) => address === '127.0.0.1',
        });
        const controller = new AbortController();
        setTimeout(() => controller.abort(new Error('timed out')), 50);
        await expect(
          guarded(`http://feeds.vendor.example:${port}/feed.xml`, { signal: controller.signal }),
        ).rejects.toThrow(/timed out/);
      } finally {
        tcp.close();
      }
    });
  });

  describe('when private addresses are allowed (FEEDS_ALLOW_PRIVATE=true)', () => {
    it('fetches from 127.0.0.1', async () => {
      const guarded = guardedFeedFetch({ allowPrivate: true });
      expect(await (await guarded(`${server.origin}/feed.xml`, {})).text()).toBe('ok');
    });
  });
});

describe('startFeedTimer (the Node server feed poller)', () => {
  const manualInterval = () => {
    const timer: { fn: (() => void) | null; ms: number; cleared: boolean } = {
      fn: null,
      ms: 0,
      cleared: false,
    };
    return {
      timer,
      setInterval: (fn: () => void, ms: number) => {
        timer.fn = fn;
        timer.ms = ms;
        return {};
      },
      clearInterval: () => {
        timer.cleared = true;
      },
    };
  };

  describe('when a tick is still running at the next one', () => {
    it('skips it: never two polls at a time; stop waits for the running one', async () => {
      const fake = manualInterval();
      let calls = 0;
      let release: (r: FeedPollingReport) => void = () => undefined;
      const lines: string[] = [];
      const poller = startFeedTimer({
        intervalMs: 60_000,
        run: () => {
          calls++;
          return new Promise((resolve) => {
            release = resolve;
          });
        },
        log: (line) => lines.push(line),
        setInterval: fake.setInterval,
        clearInterval: fake.clearInterval,
      });
      expect(fake.timer.ms).toBe(60_000);
      fake.timer.fn?.();
      fake.timer.fn?.();
      expect(calls).toBe(1);
      const stopped = poller.stop();
      release({ polled: 2, succeeded: 2, disabled: 0, candidates: 1, alerts: 0 });
      await stopped;
      expect(fake.timer.cleared).toBe(true);
      expect(lines).toEqual(['feeds: polled 2 (2 ok, 0 disabled), 1 candidates, 0 fingerprint alerts']);
      fake.timer.fn?.();
      expect(calls).toBe(1);
    });
  });

  describe('when a tick fails', () => {
    it('logs it and the next tick runs', async () => {
      const fake = manualInterval();
      let calls = 0;
      const poller = startFeedTimer({
        intervalMs: 1000,
        run: async () => {
          calls++;
          if (calls === 1) throw new Error('database locked');
          return { polled: 0 };
        },
        log: () => undefined,
        setInterval: fake.setInterval,
        clearInterval: fake.clearInterval,
      });
      const original = console.error;
      console.error = () => undefined;
      try {
        await poller.tick();
      } finally {
        console.error = original;
      }
      await poller.tick();
      expect(calls).toBe(2);
      await poller.stop();
    });
  });
});
