import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CMS_FIXTURES } from '../helpers/cms-fixtures';
import { type NpmStartedServer, startWithNpm } from '../helpers/npm-start';
import { runProcess } from '../helpers/run-process';
import {
  closedPort,
  type FakeAnswer,
  ROOT,
  runTrustgate,
  startFakeServer,
  TRUSTGATE,
  verifyOffline,
} from './run-trustgate';

const ADMIN = 'cli-test-admin-token-0123456789abcdef';
const ARTIFACT = join(CMS_FIXTURES, 'artifacts/acme-widget-1.4.2.bin');
const TAMPERED = join(CMS_FIXTURES, 'artifacts/acme-widget-1.4.2-tampered.bin');
const signatureOf = (name: string) => join(CMS_FIXTURES, 'cases', name, 'signature.der');
const TRUSTED_SIG = signatureOf('ecdsa-p256-sha256-detached-trusted');
const RSA_SIG = signatureOf('rsa2048-sha256-detached-der-trusted');
const GLOBEX_SIG = signatureOf('ecdsa-p384-sha384-globex-trusted');
const GLOBEX_ROOT = join(CMS_FIXTURES, 'trust-store/globex/globex-root-p384.pem');

/** Lines of the command's human output, without the summary. */
const lines = (stdout: string) => stdout.split('\n').filter((l) => l.length > 0);

async function createAdminToken(base: string, name: string): Promise<string> {
  const response = await fetch(`${base}/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, role: 'admin', reason: 'trustgate command test' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

describe('trustgate (the built command, bin/trustgate.mjs)', () => {
  let server: NpmStartedServer;
  let work: string;
  let env: Record<string, string>;
  /** pkg.bin + pkg.bin.p7s (trusted), tampered.bin + .p7s (rejected), globex.bin + .p7s (unknown_root for acme). */
  const file = (name: string) => join(work, name);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-cli-'));
    copyFileSync(ARTIFACT, file('pkg.bin'));
    copyFileSync(TRUSTED_SIG, file('pkg.bin.p7s'));
    copyFileSync(TAMPERED, file('tampered.bin'));
    copyFileSync(RSA_SIG, file('tampered.bin.p7s'));
    copyFileSync(ARTIFACT, file('globex.bin'));
    copyFileSync(GLOBEX_SIG, file('globex.bin.sig'));
    server = await startWithNpm({ TRUST_STORE_DIR: join(CMS_FIXTURES, 'trust-store'), ADMIN_TOKEN: ADMIN });
    env = { TRUSTGATE_URL: server.base };
  }, 60_000);

  afterAll(() => {
    server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  describe('when the package is trusted', () => {
    it('exits 0 with one line: verdict, path, signer and anchor, its signature found by name', async () => {
      const run = await runTrustgate(['verify', '--vendor', 'acme', 'pkg.bin'], { env, cwd: work });
      expect(run.code).toBe(0);
      expect(lines(run.stdout)).toHaveLength(1);
      expect(run.stdout).toMatch(/^trusted\s+pkg\.bin\s+signer "CN=Acme Widget Release Signing P-256/);
      expect(run.stdout).toContain('anchor acme');
      expect(run.stdout).toContain('"CN=Acme Root CA P-256, O=Acme Corp, C=US"');
    });
  });

  describe('when the package does not match its signature', () => {
    it('exits 1 and names the reason code', async () => {
      const run = await runTrustgate(['verify', '--vendor', 'acme', 'tampered.bin'], { env, cwd: work });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/^rejected\s+tampered\.bin\s+DIGEST_MISMATCH/);
    });
  });

  describe('when the chain ends at a root the vendor does not have', () => {
    it('exits 2 with the escalation case, which on-call reads with `cases` and `case ID`', async () => {
      const run = await runTrustgate(['verify', '--vendor', 'acme', 'globex.bin'], { env, cwd: work });
      expect(run.code).toBe(2);
      const match = /^unknown_root\s+globex\.bin\s+UNKNOWN_ROOT .*case (esc_\w+) (\S+)$/m.exec(run.stdout);
      expect(match, run.stdout).not.toBeNull();
      const [, id, url] = match as RegExpExecArray;
      expect(url).toBe(`${server.base}/escalations/${id}`);

      const oncall = { ...env, TRUSTGATE_TOKEN: ADMIN };
      const cases = await runTrustgate(['cases', '--state', 'open', '--vendor', 'acme'], { env: oncall });
      expect(cases.code).toBe(0);
      expect(cases.stdout).toContain(id);
      expect(cases.stdout).toContain('unknown-root');
      const one = await runTrustgate(['case', id as string], { env: oncall });
      expect(one.code).toBe(0);
      expect(one.stdout).toMatch(/^#/m);
      expect(one.stdout).toContain('Globex');
      const json = await runTrustgate(['case', id as string, '--json'], { env: oncall });
      expect(JSON.parse(json.stdout).case.id).toBe(id);
    });
  });

  describe('when the input cannot be verified', () => {
    it('exits 3 and prints the server problem code for an unknown vendor', async () => {
      const run = await runTrustgate(['verify', '--vendor', 'initech', 'pkg.bin'], { env, cwd: work });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+UNKNOWN_VENDOR: /);
    });

    it('exits 3 with SIGNATURE_NOT_FOUND for a file with no signature that is not a signed ZIP', async () => {
      writeFileSync(file('lonely.bin'), 'no signature here');
      const run = await runTrustgate(['verify', '--vendor', 'acme', 'lonely.bin'], { env, cwd: work });
      expect(run.code).toBe(3);
      expect(run.stdout).toContain('SIGNATURE_NOT_FOUND');
    });

    it('exits 3 with SIGNATURE_AMBIGUOUS when two signatures lie next to a package', async () => {
      const dir = mkdtempSync(join(work, 'ambiguous-'));
      copyFileSync(ARTIFACT, join(dir, 'a.bin'));
      copyFileSync(TRUSTED_SIG, join(dir, 'a.bin.p7s'));
      copyFileSync(RSA_SIG, join(dir, 'a.bin.sig'));
      const run = await runTrustgate(['verify', '--vendor', 'acme', join(dir, 'a.bin')], { env });
      expect(run.code).toBe(3);
      expect(run.stdout).toContain('SIGNATURE_AMBIGUOUS');
    });

    it('exits 3 with the code SIGNATURE_UNREADABLE for a signature that is not CMS', async () => {
      const dir = mkdtempSync(join(work, 'junk-'));
      copyFileSync(ARTIFACT, join(dir, 'a.bin'));
      writeFileSync(join(dir, 'a.bin.p7s'), Buffer.alloc(400, 0x30));
      const run = await runTrustgate(['verify', '--vendor', 'acme', join(dir, 'a.bin')], { env });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/SIGNATURE_UNREADABLE|SIGNATURE_NOT_SIGNED_DATA/);
    });

    it('exits 3 on a usage error (an unknown option, no vendor, no server), on stderr', async () => {
      for (const args of [
        ['verify', '--vendor', 'acme', '--sig', 'x', 'pkg.bin'],
        ['verify', 'pkg.bin'],
        ['frobnicate'],
      ]) {
        const run = await runTrustgate(args, { env, cwd: work });
        expect(run.code, args.join(' ')).toBe(3);
        expect(run.stderr).toContain('USAGE');
      }
      const noServer = await runTrustgate(['verify', '--vendor', 'acme', 'pkg.bin'], { cwd: work });
      expect(noServer.code).toBe(3);
      expect(noServer.stderr).toContain('TRUSTGATE_URL');
    });

    it('exits 3 with UNAUTHORIZED when the token is refused', async () => {
      const run = await runTrustgate(['cases'], { env: { ...env, TRUSTGATE_TOKEN: 'tg_not-a-token' } });
      expect(run.code).toBe(3);
      expect(run.stderr).toContain('UNAUTHORIZED');
    });
  });

  describe('when the server is down or is not trustgate', () => {
    it('exits 4 for a port nobody listens on, and does not wait on the next packages', async () => {
      const port = await closedPort();
      const run = await runTrustgate(
        ['verify', '--vendor', 'acme', '--server', `http://127.0.0.1:${port}`, 'pkg.bin', 'tampered.bin'],
        { cwd: work },
      );
      expect(run.code).toBe(4);
      const [first, second] = lines(run.stdout);
      expect(first).toMatch(/^error\s+pkg\.bin\s+SERVER_UNREACHABLE: .*ECONNREFUSED/);
      expect(second).toMatch(/^error\s+tampered\.bin\s+SERVER_UNREACHABLE: not sent/);
    });

    it('exits 4, never 0, when a server answers 200 with something that is not a verdict', async () => {
      const answers = [
        { status: 200, headers: { 'content-type': 'text/html' }, body: '<html>trusted</html>' },
        // Says "trusted" but names no anchor and no signer: not a trustgate verdict, so not a pass.
        {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: '{"verdict":"trusted","reasons":[]}',
        },
        { status: 502, headers: { 'content-type': 'text/html' }, body: 'Bad Gateway' },
        {
          status: 500,
          headers: { 'content-type': 'application/problem+json' },
          body: '{"code":"INTERNAL","detail":"boom"}',
        },
      ];
      for (const answer of answers) {
        const fake = await startFakeServer(() => answer);
        const run = await runTrustgate(['verify', '--vendor', 'acme', '--server', fake.base, 'pkg.bin'], {
          cwd: work,
        });
        await fake.close();
        expect(run.code, answer.body).toBe(4);
        expect(run.stdout).toMatch(/^error\s+pkg\.bin\s+(SERVER_ANSWER_UNEXPECTED|SERVER_FAILED|INTERNAL)/);
      }
    });

    it('retries 503 SERVER_BUSY after Retry-After, streaming the package again', async () => {
      let calls = 0;
      const verdict = await fetchVerdict(server.base, 'pkg.bin', work);
      const fake = await startFakeServer(({ body }): FakeAnswer => {
        calls += 1;
        if (calls === 1)
          return {
            status: 503,
            headers: { 'content-type': 'application/problem+json', 'retry-after': '0' },
            body: '{"code":"SERVER_BUSY","detail":"busy"}',
          };
        expect(body).toBeGreaterThan(readFileSync(ARTIFACT).byteLength);
        return { status: 200, headers: { 'content-type': 'application/json' }, body: verdict };
      });
      const run = await runTrustgate(['verify', '--vendor', 'acme', '--server', fake.base, 'pkg.bin'], {
        cwd: work,
      });
      await fake.close();
      expect(run.code).toBe(0);
      expect(calls).toBe(2);
      expect(run.stderr).toContain('server busy');
    });
  });

  describe('when several packages are named (a folder)', () => {
    it('prints a line each and a summary, and exits with the worst code', async () => {
      const dir = mkdtempSync(join(work, 'release-'));
      for (const name of [
        'pkg.bin',
        'pkg.bin.p7s',
        'tampered.bin',
        'tampered.bin.p7s',
        'globex.bin',
        'globex.bin.sig',
      ])
        copyFileSync(file(name), join(dir, name));
      copyFileSync(
        join(import.meta.dirname, '../fixtures/jar/jars/signed-ec-p256-trusted.jar'),
        join(dir, 'app.jar'),
      );
      const run = await runTrustgate(['verify', '--vendor', 'acme', dir], { env });
      expect(run.code).toBe(2);
      const out = lines(run.stdout);
      expect(out).toHaveLength(5);
      expect(out.slice(0, 4).map((l) => l.split(/\s+/)[0])).toEqual([
        'unknown_root',
        'unknown_root',
        'trusted',
        'rejected',
      ]);
      expect(out[4]).toBe('4 packages: 1 trusted, 1 rejected, 2 unknown_root, 0 errors');
    });

    it('accounts for every file: a hidden file, a signature without its package and an unnamed subfolder are errors (exit 3)', async () => {
      const dir = mkdtempSync(join(work, 'planted-'));
      copyFileSync(file('pkg.bin'), join(dir, 'pkg.bin'));
      copyFileSync(file('pkg.bin.p7s'), join(dir, 'pkg.bin.p7s'));
      writeFileSync(join(dir, '.payload.so'), 'installed with the folder, verified by nobody');
      writeFileSync(join(dir, 'tool.sig'), 'a binary dressed as a signature');
      mkdirSync(join(dir, 'plugins'));
      writeFileSync(join(dir, 'plugins', 'loader.so'), 'copied with the folder');
      const run = await runTrustgate(['verify', '--vendor', 'acme', dir], { env });
      expect(run.code).toBe(3);
      const out = lines(run.stdout);
      expect(out.find((l) => l.includes('.payload.so'))).toMatch(/^error\s.*SIGNATURE_NOT_FOUND/);
      expect(out.find((l) => l.includes('tool.sig'))).toMatch(
        /^error\s.*SIGNATURE_WITHOUT_PACKAGE: .*no tool beside it/,
      );
      expect(out.find((l) => l.includes('plugins'))).toMatch(/^error\s.*FOLDER_NOT_VERIFIED: /);
      expect(out.find((l) => l.includes('pkg.bin'))).toMatch(/^trusted\s/);
    });

    it('--json prints the verdicts and the summary as one JSON document; --quiet prints nothing', async () => {
      const json = await runTrustgate(['verify', '--vendor', 'acme', '--json', 'pkg.bin', 'tampered.bin'], {
        env,
        cwd: work,
      });
      expect(json.code).toBe(1);
      const doc = JSON.parse(json.stdout);
      expect(doc.exitCode).toBe(1);
      expect(doc.summary).toEqual({ packages: 2, trusted: 1, rejected: 1, unknown_root: 0, errors: 0 });
      expect(doc.results.map((r: { verdict: string }) => r.verdict)).toEqual(['trusted', 'rejected']);
      expect(doc.results[1].reasons[0].code).toBe('DIGEST_MISMATCH');
      const quiet = await runTrustgate(['verify', '--vendor', 'acme', '--quiet', 'tampered.bin'], {
        env,
        cwd: work,
      });
      expect(quiet.code).toBe(1);
      expect(quiet.stdout).toBe('');
    });
  });

  describe('when it runs in GitHub Actions', () => {
    it('writes an annotation per package and a job summary table', async () => {
      const summary = join(work, 'step-summary.md');
      writeFileSync(summary, '');
      const run = await runTrustgate(['verify', '--vendor', 'acme', 'pkg.bin', 'tampered.bin'], {
        env: { ...env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary },
        cwd: work,
      });
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(
        /^::notice file=pkg\.bin,title=trustgate%3A trusted::signed by "CN=Acme Widget/m,
      );
      expect(run.stdout).toMatch(
        /^::error file=tampered\.bin,title=trustgate%3A rejected::DIGEST_MISMATCH: /m,
      );
      const table = readFileSync(summary, 'utf8');
      expect(table).toContain('| package | verdict | reasons |');
      expect(table).toContain('| pkg\\.bin | trusted |');
      expect(table).toContain('| tampered\\.bin | **rejected** | DIGEST\\_MISMATCH |');
    });

    it('a package named with a newline cannot start a workflow command of its own', async () => {
      const evil = 'x.bin\n::add-mask::secret';
      copyFileSync(ARTIFACT, file(evil));
      copyFileSync(TRUSTED_SIG, file(`${evil}.p7s`));
      const run = await runTrustgate(['verify', '--vendor', 'acme', evil], {
        env: { ...env, GITHUB_ACTIONS: 'true' },
        cwd: work,
      });
      expect(run.code).toBe(0);
      const commands = run.stdout.split('\n').filter((l) => l.startsWith('::'));
      expect(commands).toHaveLength(1);
      expect(commands[0]).toMatch(/^::notice file=x\.bin%0A%3A%3Aadd-mask%3A%3Asecret,/);
    });

    it('writes no annotation outside GitHub Actions', async () => {
      const run = await runTrustgate(['verify', '--vendor', 'acme', 'pkg.bin'], { env, cwd: work });
      expect(run.stdout).not.toContain('::');
    });
  });

  describe('when an admin proposes and another approves the missing root', () => {
    it('the same package then verifies trusted (roots propose | approve as thin API calls)', async () => {
      const alice = await createAdminToken(server.base, 'cli-alice');
      const bob = await createAdminToken(server.base, 'cli-bob');
      const proposed = await runTrustgate(
        [
          'roots',
          'propose',
          '--vendor',
          'acme',
          '--reason',
          'CLI test: Acme moves to the P-384 root',
          GLOBEX_ROOT,
          '--json',
        ],
        { env: { ...env, TRUSTGATE_TOKEN: alice } },
      );
      expect(proposed.code, proposed.stderr).toBe(0);
      const { sha256, state } = JSON.parse(proposed.stdout);
      expect(state).toBe('pending');
      const self = await runTrustgate(
        ['roots', 'approve', sha256, '--vendor', 'acme', '--reason', 'me again'],
        {
          env: { ...env, TRUSTGATE_TOKEN: alice },
        },
      );
      expect(self.code).toBe(3);
      expect(self.stderr).toContain('SELF_APPROVAL_FORBIDDEN');
      const approved = await runTrustgate(
        ['roots', 'approve', sha256, '--vendor', 'acme', '--reason', 'fingerprint read back'],
        {
          env: { ...env, TRUSTGATE_TOKEN: bob },
        },
      );
      expect(approved.code, approved.stderr).toBe(0);
      expect(approved.stdout).toContain('state active');
      const again = await runTrustgate(['verify', '--vendor', 'acme', 'globex.bin'], { env, cwd: work });
      expect(again.code).toBe(0);
    });
  });

  describe('when the package is large', () => {
    const big = () => join(work, 'big.bin');
    beforeAll(async () => {
      // 200 MiB, signed in-process by a fresh chain: the command must stream it, not hold it.
      const { writeBigSignedArtifact } = await import('./big-artifact');
      await writeBigSignedArtifact(big(), 200);
    }, 120_000);

    it('streams the upload with a progress bar, in far less memory than the file', async () => {
      const run = await runTrustgate(['verify', '--vendor', 'acme', '--progress', 'big.bin'], {
        env,
        cwd: work,
        measureMemory: true,
      });
      // The fresh chain's root is nobody's: unknown_root with that reason only, so the digest matched.
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toMatch(/^unknown_root\s+big\.bin\s+UNKNOWN_ROOT\s/);
      expect(run.stderr).toMatch(/uploading big\.bin \[#+\]\s+100% 200\.0\/200\.0 MiB/);
      expect(run.maxRssKib).toBeLessThan(150 * 1024);
    }, 120_000);

    it('stops uploading once the server has refused it (an unknown vendor is answered after the first part)', async () => {
      const started = Date.now();
      const run = await runTrustgate(['verify', '--vendor', 'initech', 'big.bin'], { env, cwd: work });
      expect(run.code).toBe(3);
      expect(run.stdout).toMatch(/^error\s+big\.bin\s+UNKNOWN_VENDOR: /);
      expect(run.stderr).toBe('');
      expect(Date.now() - started).toBeLessThan(10_000);
    }, 60_000);

    it('offline, hashes it while reading, with the same answer', async () => {
      const run = await verifyOffline(
        { store: join(CMS_FIXTURES, 'trust-store'), signature: 'big.bin.p7s', artifact: 'big.bin' },
        { cwd: work, measureMemory: true },
      );
      expect(run.code, run.stderr).toBe(2);
      expect(run.stdout).toMatch(
        /^unknown_root\s+big\.bin\s+UNKNOWN_ROOT\s+signer .*no case opened \(offline\)/,
      );
      expect(run.maxRssKib).toBeLessThan(150 * 1024);
    }, 120_000);
  });
});

describe('the command as a pipeline gets it', () => {
  describe('when bin/trustgate.mjs is copied alone into an empty folder (no node_modules anywhere above)', () => {
    it('runs with plain node and verifies offline', async () => {
      const alone = mkdtempSync(join(tmpdir(), 'trustgate-alone-'));
      try {
        copyFileSync(TRUSTGATE, join(alone, 'trustgate.mjs'));
        const run = await runProcess(
          process.execPath,
          [
            join(alone, 'trustgate.mjs'),
            'verify',
            '--vendor',
            'acme',
            '--offline',
            '--trust-store',
            join(CMS_FIXTURES, 'trust-store'),
            '--signature',
            TRUSTED_SIG,
            ARTIFACT,
          ],
          { cwd: alone, env: { PATH: process.env.PATH ?? '' } },
        );
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toMatch(/^trusted\s/);
      } finally {
        rmSync(alone, { recursive: true, force: true });
      }
    });
  });

  describe('when run as npx trustgate in a checkout', () => {
    it('is the same command (package.json bin)', async () => {
      const run = await runProcess('npx', ['--no-install', 'trustgate', '--version'], {
        cwd: ROOT,
        env: process.env,
      });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^trustgate \d+\.\d+\.\d+\n$/);
    });
  });
});

describe('trustgate verify --offline', () => {
  const store = join(CMS_FIXTURES, 'trust-store');
  const offline = (signature: string, artifact: string, vendor = 'acme') =>
    verifyOffline({ store, signature, artifact, vendor });

  describe('when no server is reachable at all', () => {
    it('exits 0, 1, 2 and 3 as the server would, from the trust-store folder alone', async () => {
      const trusted = await offline(TRUSTED_SIG, ARTIFACT);
      expect(trusted.code).toBe(0);
      expect(trusted.stdout).toContain('anchor acme');
      const rejected = await offline(RSA_SIG, TAMPERED);
      expect(rejected.code).toBe(1);
      expect(rejected.stdout).toContain('DIGEST_MISMATCH');
      const unknown = await offline(GLOBEX_SIG, ARTIFACT);
      expect(unknown.code).toBe(2);
      expect(unknown.stdout).toContain('no case opened (offline)');
      const vendor = await offline(TRUSTED_SIG, ARTIFACT, 'initech');
      expect(vendor.code).toBe(3);
      expect(vendor.stdout).toContain('UNKNOWN_VENDOR');
    });

    it('exits 3 for a trust-store folder that is not there, or --offline without one', async () => {
      const missing = await runTrustgate([
        'verify',
        '--vendor',
        'acme',
        '--offline',
        '--trust-store',
        '/nonexistent',
        ARTIFACT,
      ]);
      expect(missing.code).toBe(3);
      expect(missing.stderr).toContain('FILE_NOT_FOUND');
      const alone = await runTrustgate(['verify', '--vendor', 'acme', '--offline', ARTIFACT]);
      expect(alone.code).toBe(3);
      expect(alone.stderr).toContain('--trust-store');
    });
  });
});

/** A verdict for pkg.bin as the real server gives it, for a fake server to replay. */
async function fetchVerdict(base: string, name: string, dir: string): Promise<string> {
  const form = new FormData();
  form.set('vendor', 'acme');
  form.set('signature', new Blob([readFileSync(join(dir, `${name}.p7s`))]));
  form.set('artifact', new Blob([readFileSync(join(dir, name))]));
  const response = await fetch(`${base}/verify`, { method: 'POST', body: form });
  return response.text();
}
