import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrustgate } from '../run-trustgate';
import { ARTIFACT, startRawServer, TRUSTED_SIG } from './liar-server';

describe('trustgate verify against a server that answers 503 SERVER_BUSY slowly, again and again', () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-busy-'));
    copyFileSync(ARTIFACT, join(work, 'pkg.bin'));
    copyFileSync(TRUSTED_SIG, join(work, 'pkg.bin.p7s'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  describe('when each busy answer takes most of --timeout', () => {
    it('gives up within --timeout for the package, retries included (each attempt had the whole of it)', async () => {
      const fake = await startRawServer((_request, response) => {
        const answer = setTimeout(() => {
          response.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '0' });
          response.end(JSON.stringify({ code: 'SERVER_BUSY', detail: 'busy' }));
        }, 1500);
        response.on('close', () => clearTimeout(answer));
      });
      const started = Date.now();
      const run = await runTrustgate(
        ['verify', '--vendor', 'acme', '--server', fake.base, '--timeout', '2', 'pkg.bin'],
        { cwd: work },
      );
      const elapsed = Date.now() - started;
      const requests = fake.requests;
      await fake.close();
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+SERVER_TIMEOUT: .*within 2 s/);
      // The second attempt is cut at the deadline; a third is never made (it was: 3 x 1.5 s).
      expect(requests).toBe(2);
      expect(elapsed).toBeLessThan(4000);
    });
  });

  describe('when the server asks to wait past --timeout', () => {
    it('does not wait: the busy answer is the result at once', async () => {
      const fake = await startRawServer((_request, response) => {
        response.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '30' });
        response.end(JSON.stringify({ code: 'SERVER_BUSY', detail: 'busy' }));
      });
      const started = Date.now();
      const run = await runTrustgate(
        ['verify', '--vendor', 'acme', '--server', fake.base, '--timeout', '5', 'pkg.bin'],
        { cwd: work },
      );
      await fake.close();
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+SERVER_BUSY: busy/);
      expect(Date.now() - started).toBeLessThan(4000);
    });
  });
});
