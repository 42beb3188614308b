import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runTrustgate } from './run-trustgate';

/**
 * `trustgate verify` on signed PE files and cabinets: an exe, dll, sys, efi or cab with no signature file
 * beside it is sent alone (it carries its Authenticode signatures: a PE in its certificate table, a
 * cabinet in its header reserve), offline here against the fixtures' trust store.
 */
const FIXTURES = join(ROOT, 'test/fixtures/authenticode');
const STORE = join(FIXTURES, 'trust-store');
// The fixtures' signers are valid 2024..2034; their timestamps were made in 2020 and 2026.
const AT = '2026-06-01T00:00:00Z';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trustgate-pe-'));
  copyFileSync(join(FIXTURES, 'signed/pe32-sha256.exe'), join(dir, 'setup.exe'));
  copyFileSync(join(FIXTURES, 'signed/pe32plus-nested-sha1-sha256.efi'), join(dir, 'boot.efi'));
  copyFileSync(join(FIXTURES, 'tampered/pe32plus-image-byte-flipped.efi'), join(dir, 'tampered.efi'));
  copyFileSync(join(FIXTURES, 'signed/pe32plus-unknown-root.efi'), join(dir, 'other.efi'));
  copyFileSync(join(FIXTURES, 'optional/signed-sha256.cab'), join(dir, 'widget.cab'));
  copyFileSync(join(FIXTURES, 'optional/unsigned.cab'), join(dir, 'unsigned.cab'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const verify = (...files: string[]) =>
  runTrustgate([
    'verify',
    '--vendor',
    'acme',
    '--offline',
    '--trust-store',
    STORE,
    '--time',
    AT,
    '--json',
    ...files.map((f) => join(dir, f)),
  ]);

describe('trustgate verify with PE files and cabinets', () => {
  describe('when a signed exe or efi has no signature file beside it', () => {
    it('sends it alone and exits 0 for trusted ones, each signature in the JSON report', async () => {
      const run = await verify('setup.exe', 'boot.efi');
      expect(run.stderr).not.toContain('SIGNATURE_NOT_FOUND');
      expect(run.code).toBe(0);
      const report = JSON.parse(run.stdout);
      expect(report.results.map((r: { verdict: string }) => r.verdict)).toEqual(['trusted', 'trusted']);
    });
  });

  describe('when the image was changed after signing', () => {
    it('exits 1 (rejected)', async () => {
      const run = await verify('tampered.efi');
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('AUTHENTICODE_IMAGE_HASH_MISMATCH');
    });
  });

  describe('when the signer chains to a root the store does not hold', () => {
    it('exits 2 (unknown_root)', async () => {
      expect((await verify('other.efi')).code).toBe(2);
    });
  });

  describe('when the package is a cabinet', () => {
    it('sends a signed .cab without a signature file alone and exits 0 (trusted)', async () => {
      const run = await verify('widget.cab');
      expect(run.stderr).not.toContain('SIGNATURE_NOT_FOUND');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).results.map((r: { verdict: string }) => r.verdict)).toEqual(['trusted']);
    });

    it('sends an unsigned .cab too, and exits 1 (rejected, AUTHENTICODE_UNSIGNED)', async () => {
      const run = await verify('unsigned.cab');
      expect(run.code).toBe(1);
      expect(run.stdout).toContain('AUTHENTICODE_UNSIGNED');
    });
  });
});
