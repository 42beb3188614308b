import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToBase64 } from '../../src/encoding';
import { cmsCase, readFixture } from '../helpers/cms-fixtures';
import { type NpmStartedServer, startWithNpm } from '../helpers/npm-start';
import { FIXTURE_TRUST_STORE } from '../helpers/test-app';

const MiB = 1024 * 1024;
const IDLE_SECONDS = 3;
const BOUNDARY = 'limits-test-boundary';

let server: NpmStartedServer;
let port: number;

beforeAll(async () => {
  server = await startWithNpm({
    TRUST_STORE_DIR: FIXTURE_TRUST_STORE,
    MAX_BUFFERED_MIB: '8',
    IDLE_TIMEOUT_SECONDS: String(IDLE_SECONDS),
    HEADERS_TIMEOUT_SECONDS: '2',
    KEEP_ALIVE_TIMEOUT_SECONDS: '1',
    MAX_CONNECTIONS: '16',
    STATS_LOG_SECONDS: '1',
  });
  port = Number(new URL(server.base).port);
}, 60_000);

afterAll(() => server?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await sleep(100);
  }
  throw new Error(`${what} did not happen:\n${server.output().slice(-3000)}`);
}

/** A raw connection to the server: what it wrote back, and when it closed. */
function open(): { socket: Socket; received: () => string; closed: Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  socket.on('data', (d) => {
    received += d;
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, received: () => received, closed };
}

const part = (name: string, filename?: string) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n\r\n`;

const multipartHead = (contentLength: number) =>
  `POST /verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${contentLength}\r\n\r\n`;

/** One request on its own connection (no keep-alive pool): status, headers and body. */
function send(path: string, body?: { type: string; bytes: Uint8Array }) {
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string }>(
    (resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method: body ? 'POST' : 'GET',
          agent: false,
          headers: body ? { 'content-type': body.type, 'content-length': body.bytes.byteLength } : {},
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            text += d;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
        },
      );
      req.on('error', reject);
      req.end(body ? Buffer.from(body.bytes) : undefined);
    },
  );
}

/** A digest-only JSON verification padded to about `bytes` (the padding is an ignored field). */
function paddedJson(bytes: number) {
  const c = cmsCase('ecdsa-p256-sha256-detached-trusted');
  const body = {
    vendor: c.vendor,
    digest: `sha256:${c.artifactSha256}`,
    signature: bytesToBase64(readFixture(c.signature)),
    padding: 'x'.repeat(bytes),
  };
  return { type: 'application/json', bytes: new TextEncoder().encode(JSON.stringify(body)) };
}

/** Bytes the budget holds, from the server's last stats line (STATS_LOG_SECONDS). */
const bufferedBytes = () => {
  const lines = server.output().match(/^stats .*$/gm) ?? [];
  const last = lines[lines.length - 1] ?? '';
  return Number(/buffered_bytes=(\d+)/.exec(last)?.[1] ?? Number.NaN);
};

describe('the Node server under hostile uploads (npm start, 8 MiB budget, 3 s idle timeout)', () => {
  describe('when two uploads send 3.5 MiB of artifact before the signature and then stall', () => {
    it('refuses what would go over the budget with 503 and Retry-After, cuts the stalled uploads, and takes the request once they are gone', async () => {
      const stalled = [open(), open()];
      for (const upload of stalled) {
        upload.socket.write(
          `${multipartHead(100 * MiB)}${part('vendor')}acme\r\n${part('artifact', 'a.bin')}`,
        );
        upload.socket.write(Buffer.alloc(3.5 * MiB, 7));
      }
      await until('both uploads held in the budget', () => bufferedBytes() >= 7 * MiB);
      // 7 MiB held: a 0.7 MiB JSON body (counted twice) does not fit.
      const probe = paddedJson(700 * 1024);
      const busy = await send('/verify', probe);
      expect(busy.status).toBe(503);
      expect(busy.headers['content-type']).toBe('application/problem+json');
      expect(busy.headers['retry-after']).toBe('5');
      expect(JSON.parse(busy.text)).toMatchObject({ code: 'SERVER_BUSY', status: 503, retryAfterSeconds: 5 });

      // No byte for the idle timeout: the server closes both connections, and what they held is free.
      await Promise.all(stalled.map((upload) => upload.closed));
      await until('the budget emptied', () => bufferedBytes() === 0);
      const res = await send('/verify', probe);
      expect(res.status).toBe(200);
      expect(JSON.parse(res.text).verdict).toBe('trusted');
      const log = server.output();
      expect(log.match(/request aborted: POST \/verify/g)?.length).toBeGreaterThanOrEqual(2);
      expect(log).not.toMatch(/unexpected error/);
    }, 30_000);
  });

  describe('when an upload is slow but keeps moving for longer than the idle timeout', () => {
    it('is read to the end and answered with the verdict', async () => {
      const c = cmsCase('ecdsa-p256-sha256-detached-trusted');
      const artifact = readFixture(c.artifact);
      const pieces = [
        Buffer.from(`${part('vendor')}acme\r\n${part('signature', 's.p7s')}`),
        Buffer.from(readFixture(c.signature)),
        Buffer.from(`\r\n${part('artifact', 'a.bin')}`),
        Buffer.from(artifact),
        Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
      ];
      const length = pieces.reduce((n, p) => n + p.byteLength, 0);
      const upload = open();
      upload.socket.write(multipartHead(length));
      const started = Date.now();
      for (const piece of pieces) {
        await sleep(1000); // under the idle timeout each time, over it in total
        upload.socket.write(piece);
      }
      await until('the verdict', () => upload.received().includes('"verdict"'));
      expect(Date.now() - started).toBeGreaterThan(IDLE_SECONDS * 1000);
      expect(upload.received()).toMatch(/^HTTP\/1\.1 200/);
      expect(upload.received()).toContain('"verdict":"trusted"');
      upload.socket.destroy();
    }, 30_000);
  });

  describe('when a client aborts its upload half way', () => {
    it('logs one line saying the request was aborted, not an internal error', async () => {
      const before = server.output().length;
      const upload = open();
      upload.socket.write(`${multipartHead(20 * MiB)}${part('vendor')}acme\r\n${part('artifact', 'a.bin')}`);
      upload.socket.write(Buffer.alloc(2 * MiB, 1));
      await sleep(300);
      upload.socket.destroy();
      await until('the abort logged', () =>
        /request aborted: POST \/verify/.test(server.output().slice(before)),
      );
      await sleep(300);
      const logged = server.output().slice(before);
      expect(logged.match(/request aborted/g)).toHaveLength(1);
      expect(logged).not.toMatch(/unexpected error|INTERNAL|\n\s+at /);
    });

    it('answers one that closes its side early with a 4xx, never a 500', async () => {
      const upload = open();
      upload.socket.write(`${multipartHead(20 * MiB)}${part('vendor')}acme\r\n${part('artifact', 'a.bin')}`);
      upload.socket.write(Buffer.alloc(MiB, 1));
      await sleep(300);
      upload.socket.end();
      await upload.closed;
      expect(upload.received()).toMatch(/^HTTP\/1\.1 4\d\d /);
    });
  });

  describe('when headers arrive too slowly to finish within the header timeout', () => {
    it('answers 408 and closes the connection, though bytes keep coming', async () => {
      const slow = open();
      slow.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      const drip = setInterval(() => slow.socket.writable && slow.socket.write('a'), 300);
      await slow.closed;
      clearInterval(drip);
      expect(slow.received()).toMatch(/^HTTP\/1\.1 408/);
    }, 15_000);
  });

  describe('when more connections are open than the cap', () => {
    it('closes the ones over the cap at once, and serves again once they are gone', async () => {
      const held = Array.from({ length: 16 }, () => open());
      await Promise.all(held.map((c) => new Promise((r) => c.socket.once('connect', r))));
      await sleep(200);
      const extra = open();
      extra.socket.write('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
      await extra.closed;
      expect(extra.received()).toBe('');
      for (const c of held) c.socket.destroy();
      await until(
        '/health answered again',
        async () => (await send('/health').catch(() => null))?.status === 200,
      );
    });
  });
});
