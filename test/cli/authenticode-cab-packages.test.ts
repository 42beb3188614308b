import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, runTrustgate } from './run-trustgate';

/**
 * `trustgate verify` on a signed cabinet: a .cab ("MSCF") with no signature file beside it is sent alone
 * (its Authenticode signature is in its header reserve), offline against the fixtures' trust store.
 */
const FIXTURES = join(ROOT, 'test/fixtures/authenticode');
const STORE = join(FIXTURES, 'trust-store');
const AT = '2026-06-01T00:00:00Z';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'trustgate-cab-'));
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

describe('trustgate verify with cabinets', () => {
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
