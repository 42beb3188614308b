import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runTrustgate, startFakeServer } from '../run-trustgate';
import { ARTIFACT, genuineTrustedVerdict, startRawServer, TRUSTED_SIG } from './liar-server';

const TOKEN = 'attack-test-token-0123456789abcdef';
const json = (body: unknown) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('trustgate verify against a server answer an attacker controls', () => {
  let work: string;
  let trusted: Record<string, unknown>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-attack-'));
    copyFileSync(ARTIFACT, join(work, 'pkg.bin'));
    copyFileSync(TRUSTED_SIG, join(work, 'pkg.bin.p7s'));
    trusted = await genuineTrustedVerdict();
  }, 30_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const verify = (base: string, ...extra: string[]) =>
    runTrustgate(['verify', '--vendor', 'acme', '--server', base, ...extra, 'pkg.bin'], { cwd: work });

  describe('when the server answers a genuine trusted verdict about another vendor', () => {
    it('exits 4: the other vendor’s roots vouch for nothing here', async () => {
      const anchor = trusted.anchor as Record<string, unknown>;
      const fake = await startFakeServer(() =>
        json({ ...trusted, vendor: 'globex', anchor: { ...anchor, vendor: 'globex' } }),
      );
      const run = await verify(fake.base);
      await fake.close();
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+SERVER_ANSWER_UNEXPECTED: .*another vendor/);
    });

    it('exits 4 when only the anchor names another vendor, or names none (no crash)', async () => {
      const { vendor: _dropped, ...anchorWithoutVendor } = trusted.anchor as Record<string, unknown>;
      for (const anchor of [{ ...anchorWithoutVendor, vendor: 'globex' }, anchorWithoutVendor]) {
        const fake = await startFakeServer(() => json({ ...trusted, anchor }));
        const run = await verify(fake.base);
        await fake.close();
        expect(run.code).toBe(4);
        expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+SERVER_ANSWER_UNEXPECTED/);
        expect(run.stderr).not.toContain('INTERNAL');
      }
    });
  });

  describe('when a genuine trusted verdict comes with a status or content type trustgate never sends', () => {
    it('exits 4 for 203 (a proxy’s rewrite), 206 (a part) and 200 text/plain', async () => {
      const body = JSON.stringify(trusted);
      const answers = [
        { status: 203, headers: { 'content-type': 'application/json' }, body },
        { status: 206, headers: { 'content-type': 'application/json' }, body },
        { status: 200, headers: { 'content-type': 'text/plain' }, body },
      ];
      for (const answer of answers) {
        const fake = await startFakeServer(() => answer);
        const run = await verify(fake.base);
        await fake.close();
        expect(run.code, `${answer.status} ${answer.headers['content-type']}`).toBe(4);
      }
    });
  });

  describe('when a rejected verdict carries the fields the command writes itself in --json', () => {
    it('keeps the command’s package, signature and exitCode: the answer cannot say exitCode 0', async () => {
      const fake = await startFakeServer(() =>
        json({
          ...trusted,
          verdict: 'rejected',
          reasons: [{ code: 'SIGNATURE_INVALID', message: 'forged' }],
          package: 'other.bin',
          signature: 'other.bin.p7s',
          exitCode: 0,
          error: null,
        }),
      );
      const run = await verify(fake.base, '--json');
      await fake.close();
      expect(run.code).toBe(1);
      const result = JSON.parse(run.stdout).results[0];
      expect(result).toMatchObject({ package: 'pkg.bin', signature: 'pkg.bin.p7s', exitCode: 1 });
      expect(result).not.toHaveProperty('error');
    });
  });

  describe('when a trusted answer is cut short, doubled or padded with a second document', () => {
    it('exits 4 every time (a guarantee: nothing but one whole verdict passes)', async () => {
      const body = JSON.stringify(trusted);
      const answers = [body.slice(0, -1), `${body}${body}`, `${body}\n{"verdict":"trusted"}`, `[${body}]`];
      for (const answer of answers) {
        const fake = await startFakeServer(() => ({
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: answer,
        }));
        const run = await verify(fake.base);
        await fake.close();
        expect(run.code, answer.slice(-40)).toBe(4);
      }
    });
  });

  describe('when a trusted verdict comes with a redirect', () => {
    it('exits 4 without following it, so the token goes nowhere else', async () => {
      const seen: string[] = [];
      const fake = await startRawServer((request, response) => {
        seen.push(`${request.url} ${request.headers.authorization ?? ''}`);
        response.writeHead(307, { location: '/elsewhere', 'content-type': 'application/json' });
        response.end(JSON.stringify(trusted));
      });
      const run = await runTrustgate(['verify', '--vendor', 'acme', '--server', fake.base, 'pkg.bin'], {
        cwd: work,
        env: { TRUSTGATE_TOKEN: TOKEN },
      });
      await fake.close();
      expect(run.code).toBe(4);
      expect(seen).toEqual([`/verify Bearer ${TOKEN}`]);
    });
  });

  describe('when the server streams an answer that never ends', () => {
    it('--timeout ends the run with 4', async () => {
      const fake = await startRawServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write(JSON.stringify(trusted).slice(0, -1));
        const trickle = setInterval(() => response.write(' '), 20);
        response.on('close', () => clearInterval(trickle));
      });
      const started = Date.now();
      const run = await verify(fake.base, '--timeout', '1');
      await fake.close();
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+SERVER_TIMEOUT/);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  describe('when the server takes the request and then says nothing at all', () => {
    it('--idle-timeout ends the run with 4 long before the total --timeout', async () => {
      const fake = await startRawServer(() => undefined);
      const started = Date.now();
      const run = await verify(fake.base, '--idle-timeout', '1');
      await fake.close();
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+SERVER_TIMEOUT: .*no byte moved for 1 s/);
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });

  describe('when the server answers more than any trustgate answer can be', () => {
    it('exits 4 as an unexpected answer (not as unreachable), and the next package is still sent', async () => {
      const fake = await startRawServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(Buffer.alloc(17 * 1024 * 1024, 0x20));
      });
      const run = await runTrustgate(
        ['verify', '--vendor', 'acme', '--server', fake.base, 'pkg.bin', 'pkg.bin'],
        {
          cwd: work,
        },
      );
      const requests = fake.requests;
      await fake.close();
      expect(run.code).toBe(4);
      expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+SERVER_ANSWER_UNEXPECTED: .*over 16777216 bytes/m);
      expect(requests).toBe(2);
    });
  });

  describe('when TRUSTGATE_TOKEN holds a line break', () => {
    it('exits 3 without printing the token (fetch’s own error quotes the header)', async () => {
      const fake = await startFakeServer(() => json(trusted));
      const run = await runTrustgate(['verify', '--vendor', 'acme', '--server', fake.base, 'pkg.bin'], {
        cwd: work,
        env: { TRUSTGATE_TOKEN: `${TOKEN}\nsecond-line` },
      });
      await fake.close();
      expect(run.code).toBe(3);
      expect(fake.requests).toBe(0);
      expect(`${run.stdout}${run.stderr}`).not.toContain(TOKEN);
      expect(run.stderr).toContain('TRUSTGATE_TOKEN');
    });
  });

  describe('when the server URL is plain http to another host', () => {
    it('warns that its answers are unauthenticated, with or without a token', async () => {
      // The package has no signature, so nothing is sent: the warning comes from reading the URL alone.
      const args = ['verify', '--vendor', 'acme', '--server', 'http://trustgate.invalid', 'unsigned.bin'];
      copyFileSync(ARTIFACT, join(work, 'unsigned.bin'));
      const bare = await runTrustgate(args, { cwd: work });
      const withToken = await runTrustgate(args, { cwd: work, env: { TRUSTGATE_TOKEN: TOKEN } });
      expect(bare.code).toBe(3);
      expect(bare.stderr).toMatch(
        /warning: trustgate\.invalid is plain http: its answers are unauthenticated/,
      );
      expect(withToken.stderr).toMatch(/unauthenticated and TRUSTGATE_TOKEN is sent in clear text/);
      expect(withToken.stderr).not.toContain(TOKEN);
    });
  });
});
