import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrustgate } from '../run-trustgate';
import { ARTIFACT, genuineTrustedVerdict, startRawServer, TRUSTED_SIG } from './liar-server';

/**
 * The command's own HTTP client (node:http, not fetch) reads what fetch would have refused or decoded:
 * a server, or anything on the path, must not get a verdict through by how the answer is framed.
 */
describe('trustgate verify against answers framed the way fetch would not accept them', () => {
  let work: string;
  let verdict: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-framing-'));
    copyFileSync(ARTIFACT, join(work, 'pkg.bin'));
    copyFileSync(TRUSTED_SIG, join(work, 'pkg.bin.p7s'));
    verdict = JSON.stringify(await genuineTrustedVerdict());
  }, 30_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const verify = (base: string, env: Record<string, string> = {}) =>
    runTrustgate(['verify', '--vendor', 'acme', '--server', base, '--idle-timeout', '5', 'pkg.bin'], {
      cwd: work,
      env,
    });

  describe('when the server answers 101 Switching Protocols and then a trusted verdict', () => {
    it('exits 4 with a line saying why (node:http dropped it silently and the process exited 13)', async () => {
      const fake = await startRawServer((_request, response) => {
        response.socket?.end(
          `HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n${verdict}`,
        );
      });
      const run = await verify(fake.base);
      await fake.close();
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+SERVER_\w+: .*101.*another protocol/);
    });
  });

  describe('when a plain trusted verdict is labelled Content-Encoding: gzip', () => {
    it('exits 4: fetch would have failed to decode it, and it is not read as the verdict it spells', async () => {
      const fake = await startRawServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        response.end(verdict);
      });
      const run = await verify(fake.base);
      await fake.close();
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+SERVER_\w+: .*content-encoding 'gzip'/);
    });
  });

  describe('when a trusted verdict comes gzip-compressed', () => {
    it('exits 4 (this client decodes nothing) and asked for no coding in the first place', async () => {
      const asked: string[] = [];
      const fake = await startRawServer((request, response) => {
        asked.push(String(request.headers['accept-encoding']));
        response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
        response.end(gzipSync(verdict));
      });
      const run = await verify(fake.base);
      await fake.close();
      expect(run.code).toBe(4);
      expect(run.stdout).not.toMatch(/^trusted/m);
      expect(asked).toEqual(['identity']);
    });
  });

  describe('when a trusted verdict is shorter than its Content-Length and the connection closes', () => {
    it('exits 4: an answer cut short is not whole, even when what came is valid JSON', async () => {
      const fake = await startRawServer((_request, response) => {
        response.socket?.end(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(verdict) + 10}\r\n\r\n${verdict}`,
        );
      });
      const run = await verify(fake.base);
      await fake.close();
      expect(run.code).toBe(4);
    });
  });

  describe('when the answer has both Content-Length and Transfer-Encoding (a smuggling shape)', () => {
    it('exits 4', async () => {
      const length = Buffer.byteLength(verdict);
      const fake = await startRawServer((_request, response) => {
        response.socket?.end(
          `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\ntransfer-encoding: chunked\r\n\r\n${length.toString(16)}\r\n${verdict}\r\n0\r\n\r\n`,
        );
      });
      const run = await verify(fake.base);
      await fake.close();
      expect(run.code).toBe(4);
    });
  });

  describe('when the server answers a bare body with no status line (HTTP/0.9)', () => {
    it('exits 4', async () => {
      const fake = await startRawServer((_request, response) => {
        response.socket?.end(verdict);
      });
      const run = await verify(fake.base);
      await fake.close();
      expect(run.code).toBe(4);
    });
  });
});
