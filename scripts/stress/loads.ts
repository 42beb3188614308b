/**
 * The requests `npm run stress` sends, over 127.0.0.1, each on its own connection. Every request ends as
 * one outcome: its HTTP status ('200', '503', ...), 'cut' (the server closed the connection without an
 * answer), or the client-side error ('ECONNRESET', 'EPIPE', 'timeout').
 */
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';

const MiB = 1024 * 1024;

export interface Answer {
  outcome: string;
  /** The answer's first 64 KiB and, when it is longer, its last 1 KiB. */
  body: string;
  /** How long the answer was. */
  bytes?: number;
}

const HEAD = 64 * 1024;
const TAIL = 1024;

/** Keeps the head and the tail of a long answer, and counts it. */
function answerText() {
  let head = '';
  let tail = '';
  let bytes = 0;
  return {
    add(chunk: string) {
      bytes += Buffer.byteLength(chunk);
      if (head.length < HEAD) head += chunk;
      else tail = (tail + chunk).slice(-TAIL);
    },
    text: () => (tail ? `${head}...${tail}` : head),
    bytes: () => bytes,
  };
}

const errorOutcome = (error: unknown) =>
  (error as NodeJS.ErrnoException)?.code ?? (error instanceof Error ? error.message : String(error));

/** POST `body` to `path`; resolves with the status (or what went wrong) and the answer's text. */
export function post(
  base: string,
  path: string,
  body: { type: string; bytes: Uint8Array },
  options: { timeoutMs?: number; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const url = new URL(path, base);
  return new Promise((resolve) => {
    let settled = false;
    const done = (answer: Answer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        method: 'POST',
        agent: false,
        headers: { 'content-type': body.type, 'content-length': body.bytes.byteLength, ...options.headers },
      },
      (res) => {
        const text = answerText();
        res.setEncoding('utf8');
        res.on('data', (d: string) => text.add(d));
        res.on('end', () =>
          done({ outcome: String(res.statusCode), body: text.text(), bytes: text.bytes() }),
        );
        res.on('error', (error) =>
          done({
            outcome: String(res.statusCode ?? errorOutcome(error)),
            body: text.text(),
            bytes: text.bytes(),
          }),
        );
      },
    );
    req.setTimeout(options.timeoutMs ?? 1_800_000, () => {
      req.destroy();
      done({ outcome: 'timeout', body: '' });
    });
    req.on('error', (error) => done({ outcome: errorOutcome(error), body: '' }));
    req.end(Buffer.from(body.bytes.buffer, body.bytes.byteOffset, body.bytes.byteLength));
  });
}

/** GET with a bearer token; the parsed JSON answer. */
export function getJson(base: string, path: string, token: string): Promise<unknown> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname + url.search,
        agent: false,
        headers: { authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          text += d;
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(text));
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A multipart/form-data body with its fields in this order. */
export function multipart(fields: Array<{ name: string; value: Uint8Array | string; filename?: string }>) {
  const boundary = `----trustgate-stress-${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const field of fields) {
    const disposition = field.filename
      ? `form-data; name="${field.name}"; filename="${field.filename}"`
      : `form-data; name="${field.name}"`;
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n\r\n`));
    parts.push(Buffer.from(field.value));
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { type: `multipart/form-data; boundary=${boundary}`, bytes: new Uint8Array(Buffer.concat(parts)) };
}

/**
 * An upload that sends `vendor`, then `artifactBytes` of its artifact (before any signature, so the
 * server keeps a copy), and then nothing more, declaring a body twice that long. Resolves once the
 * server closed the connection: with the status it answered, or 'cut'.
 */
export function stalledUpload(base: string, artifactBytes: number, maxWaitMs: number): Promise<Answer> {
  const url = new URL(base);
  const boundary = 'trustgate-stress-stall';
  const head =
    `POST /verify HTTP/1.1\r\nHost: ${url.host}\r\n` +
    `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${2 * artifactBytes}\r\n\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="vendor"\r\n\r\nacme\r\n` +
    `--${boundary}\r\nContent-Disposition: form-data; name="artifact"; filename="a.bin"\r\n\r\n`;
  const block = Buffer.alloc(MiB, 0x5a);
  return new Promise((resolve) => {
    const socket = connect(Number(url.port), url.hostname);
    let received = '';
    const timer = setTimeout(() => socket.destroy(), maxWaitMs);
    socket.on('data', (d) => {
      if (received.length < 4096) received += d;
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      resolve({ outcome: status ?? 'cut', body: received.slice(received.indexOf('\r\n\r\n') + 4) });
    });
    const send = async () => {
      socket.write(head);
      for (let sent = 0; sent < artifactBytes && !socket.destroyed; sent += block.length) {
        const chunk = block.subarray(0, Math.min(block.length, artifactBytes - sent));
        if (!socket.write(chunk)) await drainedOrClosed(socket);
      }
      // ... and stall: no more bytes, the socket left open.
    };
    socket.once('connect', () => void send());
  });
}

function drainedOrClosed(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      socket.off('drain', done);
      socket.off('close', done);
      resolve();
    };
    socket.on('drain', done);
    socket.on('close', done);
  });
}

/** Runs `count` of `one` at once; their outcomes in order. */
export async function atOnce<T>(count: number, one: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => one(i)));
}

/** `outcome x count` for each outcome, most frequent first. */
export function tally(outcomes: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of outcomes) counts.set(o, (counts.get(o) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}
