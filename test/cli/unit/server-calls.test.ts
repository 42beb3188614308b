import { describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli';
import {
  bytesOf,
  fakeIo,
  json,
  partsSent,
  problem,
  type Reply,
  SERVER_ENV,
  textOf,
  VERDICT,
} from './fake-io';

const ARTIFACT = bytesOf('line one\r\n--trustgate-\r\nbinary \u0000 tail');
const SIGNATURE = bytesOf('-----BEGIN PKCS7-----\r\nMIIB\r\n-----END PKCS7-----\r\n');

const onePackage = (replies: Reply[], env: Record<string, string> = SERVER_ENV) =>
  fakeIo({ files: { 'pkg.bin': ARTIFACT, 'pkg.bin.p7s': SIGNATURE }, env, replies });

const refused = () => {
  throw new TypeError('fetch failed', {
    cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
  });
};

describe('runCli verify against a server', () => {
  describe('when the package is uploaded', () => {
    it('posts multipart fields vendor, time, fileName, signature, artifact in that order, byte for byte', async () => {
      const io = onePackage([() => json(VERDICT.trusted())], {
        ...SERVER_ENV,
        TRUSTGATE_URL: 'http://127.0.0.1:8787/trustgate/',
      });
      const code = await runCli(
        ['verify', '--vendor', 'acme', '--time', '2026-01-01T02:00:00+02:00', 'pkg.bin'],
        io,
      );
      expect(code).toBe(0);
      const request = io.requests[0];
      expect(request?.method).toBe('POST');
      expect(request?.url).toBe('http://127.0.0.1:8787/trustgate/verify');
      const parts = partsSent(io);
      expect(parts.map((p) => p.name)).toEqual(['vendor', 'time', 'fileName', 'signature', 'artifact']);
      expect(textOf(parts[0]?.bytes)).toBe('acme');
      expect(textOf(parts[1]?.bytes)).toBe('2026-01-01T00:00:00.000Z');
      expect(textOf(parts[2]?.bytes)).toBe('pkg.bin');
      expect(parts[3]?.bytes).toEqual(SIGNATURE);
      expect(parts[4]?.bytes).toEqual(ARTIFACT);
    });

    it("sends the run's URL as jobUrl in GitHub Actions, for the escalation case", async () => {
      const io = onePackage([() => json(VERDICT.trusted())], {
        ...SERVER_ENV,
        GITHUB_ACTIONS: 'true',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'acme/widget',
        GITHUB_RUN_ID: '1234',
        GITHUB_RUN_ATTEMPT: '2',
      });
      await runCli(['verify', '--vendor', 'acme', 'pkg.bin'], io);
      const parts = partsSent(io);
      expect(parts.map((p) => p.name)).toEqual(['vendor', 'fileName', 'jobUrl', 'signature', 'artifact']);
      expect(textOf(parts[2]?.bytes)).toBe('https://github.com/acme/widget/actions/runs/1234/attempts/2');
    });

    it('leaves out a file name the server would refuse, and verifies all the same', async () => {
      const io = fakeIo({
        files: { 'pkg\u202Egpj.exe': ARTIFACT, 'pkg\u202Egpj.exe.p7s': SIGNATURE },
        env: SERVER_ENV,
        replies: [() => json(VERDICT.trusted())],
      });
      expect(await runCli(['verify', '--vendor', 'acme', 'pkg\u202Egpj.exe'], io)).toBe(0);
      expect(partsSent(io).map((p) => p.name)).toEqual(['vendor', 'signature', 'artifact']);
    });

    it('uses a boundary that occurs in none of the contents, new for every upload', async () => {
      const io = onePackage([() => json(VERDICT.trusted()), () => json(VERDICT.trusted())]);
      await runCli(['verify', '--vendor', 'acme', 'pkg.bin', 'pkg.bin'], io);
      const boundaries = io.requests.map((r) => /boundary=(\S+)/.exec(r.headers['content-type'] ?? '')?.[1]);
      expect(boundaries[0]).not.toBe(boundaries[1]);
      for (const boundary of boundaries) {
        for (const content of [ARTIFACT, SIGNATURE, bytesOf('acme')])
          expect(textOf(content).includes(boundary as string)).toBe(false);
      }
    });

    it('sends TRUSTGATE_TOKEN as a bearer header only, and warns when it goes in clear text', async () => {
      const io = onePackage([() => json(VERDICT.trusted())], {
        TRUSTGATE_URL: 'http://trustgate.example:8787',
        TRUSTGATE_TOKEN: ' secret-token \n',
      });
      await runCli(['verify', '--vendor', 'acme', 'pkg.bin'], io);
      expect(io.requests[0]?.headers.authorization).toBe('Bearer secret-token');
      expect(io.requests[0]?.url).not.toContain('secret');
      expect(io.err()).toContain(
        'trustgate.example:8787 is plain http: its answers are unauthenticated and TRUSTGATE_TOKEN is sent in clear text',
      );
    });
  });

  describe('when the server is busy (503 SERVER_BUSY)', () => {
    it('retries twice after Retry-After, capped at 30 s, then reports the failure with exit 4', async () => {
      const busy = () => problem(503, 'SERVER_BUSY', 'too many uploads', { 'retry-after': '600' });
      const io = onePackage([busy, busy, busy]);
      const code = await runCli(['verify', '--vendor', 'acme', 'pkg.bin'], io);
      expect(code).toBe(4);
      expect(io.requests).toHaveLength(3);
      expect(io.sleeps).toEqual([30_000, 30_000]);
      expect(io.out()).toMatch(/^error\s+pkg\.bin\s+SERVER_BUSY: too many uploads/);
    });

    it('sends the whole body again on the retry and takes the verdict of the second answer', async () => {
      const io = onePackage([
        () => problem(503, 'SERVER_BUSY', 'busy', { 'retry-after': '2' }),
        () => json(VERDICT.trusted()),
      ]);
      expect(await runCli(['verify', '--vendor', 'acme', 'pkg.bin'], io)).toBe(0);
      expect(io.sleeps).toEqual([2000]);
      expect(partsSent(io, 1).at(-1)?.bytes).toEqual(ARTIFACT);
    });
  });

  describe('when the server cannot be reached', () => {
    it('reports SERVER_UNREACHABLE with the socket error, and sends no further package', async () => {
      const io = fakeIo({
        files: { 'a.bin': 'a', 'a.bin.p7s': SIGNATURE, 'b.bin': 'b', 'b.bin.p7s': SIGNATURE },
        env: SERVER_ENV,
        replies: [refused],
      });
      const code = await runCli(['verify', '--vendor', 'acme', 'a.bin', 'b.bin'], io);
      expect(code).toBe(4);
      expect(io.requests).toHaveLength(1);
      const [first, second] = io.out().split('\n');
      expect(first).toMatch(/^error\s+a\.bin\s+SERVER_UNREACHABLE: .*ECONNREFUSED/);
      expect(second).toMatch(/^error\s+b\.bin\s+SERVER_UNREACHABLE: not sent: /);
    });

    it('reports a timeout as SERVER_TIMEOUT with the --timeout it waited', async () => {
      const io = onePackage([
        () => {
          throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
        },
      ]);
      expect(await runCli(['verify', '--vendor', 'acme', '--timeout', '7', 'pkg.bin'], io)).toBe(4);
      expect(io.out()).toContain(
        'SERVER_TIMEOUT: http://127.0.0.1:8787/verify: no complete answer within 7 s',
      );
    });
  });

  describe('when the server answers with something that is not a verdict', () => {
    it.each([
      [
        'a 4xx problem is the input error it names (exit 3)',
        () => problem(422, 'UNKNOWN_VENDOR', "no vendor 'acme'"),
        3,
        'UNKNOWN_VENDOR',
      ],
      ['a 5xx problem is the server failing (exit 4)', () => problem(500, 'INTERNAL', 'oops'), 4, 'INTERNAL'],
      [
        'a proxy page is not trustgate (exit 4)',
        () =>
          new Response('<html>bad gateway</html>', { status: 502, headers: { 'content-type': 'text/html' } }),
        4,
        'SERVER_FAILED',
      ],
      [
        'a 200 that is not JSON (exit 4)',
        () => new Response('ok', { status: 200 }),
        4,
        'SERVER_ANSWER_UNEXPECTED',
      ],
      [
        'a 200 that merely says trusted (exit 4)',
        () => json({ verdict: 'trusted' }),
        4,
        'SERVER_ANSWER_UNEXPECTED',
      ],
    ])('%s', async (_, reply, exit, code) => {
      const io = onePackage([reply]);
      expect(await runCli(['verify', '--vendor', 'acme', 'pkg.bin'], io)).toBe(exit);
      expect(io.out()).toMatch(new RegExp(`^error\\s+pkg\\.bin\\s+${code}: `));
    });
  });
});
