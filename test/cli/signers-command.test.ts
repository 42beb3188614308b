import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type NpmStartedServer, startWithNpm } from '../helpers/npm-start';
import { ROOT, runTrustgate } from './run-trustgate';

/**
 * `trustgate signers list | propose | approve` against a server started with `npm start`: a firmware
 * key no CA vouches for is pinned by two admins, and the PE file it signed goes from unknown_root to
 * trusted, the line naming the pin (docs/pinned-signers.md).
 */
const ADMIN = 'cli-signers-test-admin-token-0123456789';
const FIXTURES = join(ROOT, 'test/fixtures/authenticode');
const SELF_SIGNER_PEM = join(FIXTURES, 'certs/self-signer.pem');
const SUBJECT = 'CN=Acme Firmware Signing Key (self-signed), O=Acme Corp, C=US';

async function createAdminToken(base: string, name: string): Promise<string> {
  const response = await fetch(`${base}/admin/tokens`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, role: 'admin', reason: 'trustgate signers command test' }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

describe('trustgate signers (the built command, against npm start)', () => {
  let server: NpmStartedServer;
  let work: string;
  let env: Record<string, string>;
  let alice: Record<string, string>;
  let bob: Record<string, string>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'trustgate-signers-'));
    copyFileSync(join(FIXTURES, 'signed/pe32plus-self-signed-signer.efi'), join(work, 'firmware.efi'));
    copyFileSync(join(FIXTURES, 'signed/pe32plus-nested-sha1-sha256.efi'), join(work, 'boot.efi'));
    server = await startWithNpm({ TRUST_STORE_DIR: join(FIXTURES, 'trust-store'), ADMIN_TOKEN: ADMIN });
    env = { TRUSTGATE_URL: server.base };
    alice = { ...env, TRUSTGATE_TOKEN: await createAdminToken(server.base, 'cli-signers-alice') };
    bob = { ...env, TRUSTGATE_TOKEN: await createAdminToken(server.base, 'cli-signers-bob') };
  }, 60_000);

  afterAll(() => {
    server?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  describe('when two admins pin a firmware signing key', () => {
    it('the file it signed goes from unknown_root (2) to trusted (0), the line naming the pinned signer', async () => {
      const before = await runTrustgate(['verify', '--vendor', 'acme', 'firmware.efi'], { env, cwd: work });
      expect(before.code, before.stderr).toBe(2);

      const none = await runTrustgate(['signers', 'list', '--vendor', 'acme'], { env: alice });
      expect(none.code, none.stderr).toBe(0);
      expect(none.stdout).toBe('no pinned signers for acme\n');

      const proposed = await runTrustgate(
        ['signers', 'propose', '--vendor', 'acme', '--reason', 'CLI test: firmware key', SELF_SIGNER_PEM],
        { env: alice },
      );
      expect(proposed.code, proposed.stderr).toBe(0);
      const sha256 = /^proposed ([0-9a-f]{64}) for acme: state pending;/.exec(proposed.stdout)?.[1] as string;
      expect(sha256).toBeDefined();
      expect(proposed.stdout).toContain(`trustgate signers approve ${sha256} --reason "..."`);

      const self = await runTrustgate(['signers', 'approve', sha256, '--vendor', 'acme', '--reason', 'me'], {
        env: alice,
      });
      expect(self.code).toBe(3);
      expect(self.stderr).toContain('SELF_APPROVAL_FORBIDDEN');
      const asRoot = await runTrustgate(['roots', 'approve', sha256, '--vendor', 'acme', '--reason', 'x'], {
        env: bob,
      });
      expect(asRoot.code).toBe(3);
      expect(asRoot.stderr).toContain(`/signers/${sha256}`);

      const approved = await runTrustgate(
        ['signers', 'approve', sha256, '--vendor', 'acme', '--reason', 'fingerprint read back', '--json'],
        { env: bob },
      );
      expect(approved.code, approved.stderr).toBe(0);
      expect(JSON.parse(approved.stdout)).toMatchObject({ sha256, state: 'active', kind: 'signer' });

      const listed = await runTrustgate(['signers', 'list', '--vendor', 'acme'], { env: alice });
      expect(listed.stdout).toMatch(
        new RegExp(`^${sha256}  active      "${SUBJECT.replace(/[()]/g, '\\$&')}"`),
      );

      const after = await runTrustgate(['verify', '--vendor', 'acme', 'firmware.efi'], { env, cwd: work });
      expect(after.code, after.stderr).toBe(0);
      expect(after.stdout).toContain(`pinned signer acme ${sha256.slice(0, 16)} "${SUBJECT}"`);
      const json = await runTrustgate(['verify', '--vendor', 'acme', '--json', 'firmware.efi'], {
        env,
        cwd: work,
      });
      const result = JSON.parse(json.stdout).results[0];
      expect(result.anchor).toMatchObject({ sha256, kind: 'signer' });
      expect(result.signatures).toEqual([
        expect.objectContaining({
          id: '1',
          verdict: 'trusted',
          anchor: expect.objectContaining({ kind: 'signer' }),
        }),
      ]);
    }, 60_000);
  });

  describe('when a PE file is signed twice (SHA-1 and a nested SHA-256 signature)', () => {
    it("the line names both signatures and the SHA-1 one's code; --json lists both", async () => {
      const run = await runTrustgate(['verify', '--vendor', 'acme', 'boot.efi'], { env, cwd: work });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(
        /^trusted\s+boot\.efi\s.*\s 2 signatures: 1 rejected \(WEAK_DIGEST_ALGORITHM\), 1\.1 trusted /,
      );
      const json = await runTrustgate(['verify', '--vendor', 'acme', '--json', 'boot.efi'], {
        env,
        cwd: work,
      });
      const ids = JSON.parse(json.stdout).results[0].signatures.map((s: { id: string }) => s.id);
      expect(ids).toEqual(['1', '1.1']);
    });
  });
});
