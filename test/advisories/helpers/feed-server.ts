import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

export interface FeedServer {
  origin: string;
  requests: RecordedRequest[];
  /** Sets (or replaces) the handler for one path. */
  route(path: string, handler: Handler): void;
  /** Requests made to one path. */
  requestsTo(path: string): RecordedRequest[];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (ephemeral port) serving what each test routes. */
export async function startFeedServer(): Promise<FeedServer> {
  const routes = new Map<string, Handler>();
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    requests.push({ method: req.method ?? 'GET', path, headers: req.headers });
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    route: (path, handler) => {
      routes.set(path, handler);
    },
    requestsTo: (path) => requests.filter((r) => r.path === path),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}

const FIXTURES = join(import.meta.dirname, '../../fixtures/feeds');

export function fixtureText(name: string): string {
  return readFileSync(join(FIXTURES, name), 'utf8');
}

export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES, name)));
}

/** A fixture feed with `https://vendor.example` pointed at the test server. */
export function fixtureFeed(name: string, origin: string): string {
  return fixtureText(name).replaceAll('https://vendor.example', origin);
}

/** The PEM blocks of a fixture file, in order. */
export function pemBlocks(name: string): string[] {
  return fixtureText(name).match(/-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----\n?/g) ?? [];
}

export function derOf(pem: string): Uint8Array {
  return new Uint8Array(Buffer.from(pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s+/g, ''), 'base64'));
}

/** A handler answering 200 with a body and headers. */
export function serve(body: string | Uint8Array, headers: Record<string, string> = {}): Handler {
  return (_req, res) => {
    res.writeHead(200, headers).end(body);
  };
}

export const PINNED_NOW = new Date('2026-06-01T12:00:00.000Z');
export const pinnedClock = () => new Date(PINNED_NOW);
export const subtle = globalThis.crypto.subtle;
