/**
 * A `CliIo` over an in-memory folder tree and a scripted server, so that `runCli` runs in-process: no
 * child process, no socket, no disk. Paths are '/'-joined strings; a folder exists when named in `dirs`
 * or when a file lies under it.
 */
import { expect } from 'vitest';
import type { CliIo, OfflineCore } from '../../../src/cli';

export interface SeenRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** What the fake server answers to one request (in order); a thrown error is a network failure. */
export type Reply = (request: SeenRequest) => Response | Promise<Response>;

export interface FakeIo extends CliIo {
  out: () => string;
  err: () => string;
  requests: SeenRequest[];
  sleeps: number[];
  appended: Map<string, string>;
}

const encoder = new TextEncoder();
export const bytesOf = (text: string) => encoder.encode(text);

/** A detached signature stand-in: the fake server never parses it. */
export const SIG = bytesOf('-----fake signature-----');
export const ZIP = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]);

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

export function problem(status: number, code: string, detail: string, headers: Record<string, string> = {}) {
  return new Response(JSON.stringify({ type: 'about:blank', title: code, status, code, detail }), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

const SIGNER = { subject: 'CN=Acme Release Signing, O=Acme Corp', sha256: 'ab'.repeat(32) };
const PINNED = { subject: 'CN=Acme Module Signing Key, O=Acme Corp', sha256: '57'.repeat(32) };
const ANCHOR = { vendor: 'acme', sha256: 'cd'.repeat(32), subject: 'CN=Acme Root CA, O=Acme Corp' };

/** Well-formed verdicts as the server sends them. */
export const VERDICT = {
  trusted: () => ({
    verdict: 'trusted',
    vendor: 'acme',
    reasons: [],
    signer: SIGNER,
    anchor: ANCHOR,
    escalation: null,
  }),
  rejected: (code = 'DIGEST_MISMATCH') => ({
    verdict: 'rejected',
    vendor: 'acme',
    reasons: [{ code, message: 'the artifact does not match the signature' }],
    signer: SIGNER,
    anchor: null,
    escalation: null,
  }),
  unknownRoot: (id = 'esc_01') => ({
    verdict: 'unknown_root',
    vendor: 'acme',
    reasons: [{ code: 'UNKNOWN_ROOT', message: 'the chain ends at a root the vendor does not have' }],
    signer: SIGNER,
    anchor: null,
    escalation: { id, state: 'open', kind: 'unknown_root' },
  }),
  /** Trusted through a pinned signer certificate (the signer itself is the anchor). */
  pinned: () => ({
    verdict: 'trusted',
    vendor: 'acme',
    reasons: [],
    signer: PINNED,
    chain: [PINNED],
    anchor: { vendor: 'acme', ...PINNED, kind: 'signer' },
    escalation: null,
  }),
  /** A PE file signed twice: a SHA-1 signature (refused, not broken) and a nested SHA-256 one. */
  severalSignatures: () => ({
    verdict: 'trusted',
    vendor: 'acme',
    reasons: [],
    signer: SIGNER,
    anchor: { ...ANCHOR, kind: 'root' },
    escalation: null,
    warnings: [{ code: 'WEAK_DIGEST_ALGORITHM', message: 'signature 1: SHA-1 digests are refused' }],
    signatures: [
      {
        id: '1',
        verdict: 'rejected',
        reasons: [{ code: 'WEAK_DIGEST_ALGORITHM', message: 'SHA-1 digests are refused' }],
        signer: SIGNER,
        chain: [SIGNER],
        anchor: null,
        digestAlgorithm: null,
      },
      {
        id: '1.1',
        verdict: 'trusted',
        reasons: [],
        signer: SIGNER,
        chain: [SIGNER],
        anchor: { sha256: ANCHOR.sha256, subject: ANCHOR.subject, kind: 'root' },
        digestAlgorithm: 'SHA-256',
      },
    ],
  }),
};

export function fakeIo(options: {
  files?: Record<string, Uint8Array | string>;
  dirs?: string[];
  env?: Record<string, string>;
  replies?: Reply[];
  offline?: OfflineCore;
}): FakeIo {
  const files = new Map<string, Uint8Array>();
  for (const [path, content] of Object.entries(options.files ?? {}))
    files.set(path, typeof content === 'string' ? bytesOf(content) : content);
  const dirs = new Set(options.dirs ?? []);
  for (const path of files.keys()) {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const replies = [...(options.replies ?? [])];
  let stdout = '';
  let stderr = '';
  const requests: SeenRequest[] = [];
  const sleeps: number[] = [];
  const appended = new Map<string, string>();
  const fileOf = (path: string) => {
    const bytes = files.get(path);
    if (!bytes) throw new Error(`the command read ${path}, which it had not found`);
    return bytes;
  };

  const fakeFetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries((init?.headers ?? {}) as Record<string, string>))
      headers[name.toLowerCase()] = value;
    const body =
      init?.body == null ? new Uint8Array() : new Uint8Array(await new Response(init.body).arrayBuffer());
    const request: SeenRequest = { method: init?.method ?? 'GET', url: String(input), headers, body };
    requests.push(request);
    const reply = replies.shift();
    if (!reply) throw new Error(`no reply scripted for ${request.method} ${request.url}`);
    return reply(request);
  };

  return {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    stderrIsTty: false,
    env: options.env ?? {},
    async stat(path) {
      const bytes = files.get(path);
      if (bytes) return { size: bytes.byteLength, kind: 'file' };
      return dirs.has(path) ? { size: 0, kind: 'directory' } : null;
    },
    async listDir(path) {
      const names = new Set<string>();
      for (const entry of [...files.keys(), ...dirs])
        if (entry.startsWith(`${path}/`)) names.add(entry.slice(path.length + 1).split('/')[0] as string);
      // Listed in an order that is not sorted, as a real folder may be.
      return [...names].reverse();
    },
    async readFile(path, maxBytes) {
      return fileOf(path).slice(0, maxBytes);
    },
    openFile(path) {
      const bytes = fileOf(path);
      let at = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.byteLength) return controller.close();
          controller.enqueue(bytes.slice(at, at + 3));
          at += 3;
        },
      });
    },
    async hashFile(path, algorithm) {
      return new Uint8Array(await crypto.subtle.digest(algorithm, new Uint8Array(fileOf(path))));
    },
    async appendFile(path, text) {
      appended.set(path, (appended.get(path) ?? '') + text);
    },
    joinPath: (dir, name) => `${dir}/${name}`,
    fetch: fakeFetch as typeof fetch,
    async sleep(ms) {
      sleeps.push(ms);
    },
    now: () => new Date('2026-06-01T12:00:00Z'),
    async openOffline() {
      if (!options.offline) throw new Error('no offline core in this test');
      return options.offline;
    },
    version: '0.0.0-test',
    out: () => stdout,
    err: () => stderr,
    requests,
    sleeps,
    appended,
  };
}

/** The server every verify test talks to, unless it says otherwise. */
export const SERVER_ENV = { TRUSTGATE_URL: 'http://127.0.0.1:8787' };

/** A multipart/form-data body read back: parts in order, with their names and bytes. */
export function parseMultipart(
  body: Uint8Array,
  contentType: string,
): Array<{ name: string; filename: string | null; bytes: Uint8Array }> {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1];
  expect(boundary, contentType).toBeDefined();
  const text = Buffer.from(body).toString('latin1');
  const delimiter = `--${boundary}`;
  expect(text.endsWith(`\r\n${delimiter}--\r\n`)).toBe(true);
  const sections = text.split(delimiter).slice(1, -1);
  return sections.map((section) => {
    expect(section.startsWith('\r\n')).toBe(true);
    expect(section.endsWith('\r\n')).toBe(true);
    const at = section.indexOf('\r\n\r\n');
    const head = section.slice(2, at);
    const content = section.slice(at + 4, -2);
    return {
      name: /name="([^"]*)"/.exec(head)?.[1] ?? '',
      filename: /filename="([^"]*)"/.exec(head)?.[1] ?? null,
      bytes: new Uint8Array(Buffer.from(content, 'latin1')),
    };
  });
}

/** The parts of the n-th request the fake server received, as multipart/form-data. */
export function partsSent(io: FakeIo, index = 0) {
  const request = io.requests[index];
  expect(request, `request ${index}`).toBeDefined();
  const { body, headers } = request as SeenRequest;
  return parseMultipart(body, headers['content-type'] ?? '');
}

export const textOf = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
