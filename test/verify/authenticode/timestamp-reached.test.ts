/**
 * Every Authenticode signer goes through verifyPackage's timestamp step (src/verify/timestamp.ts reads
 * the attributes): nested ones and each table entry included.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ count: 0 }));
vi.mock('../../../src/verify/timestamp', async (original) => {
  const actual = await original<typeof import('../../../src/verify/timestamp')>();
  return {
    ...actual,
    signerTimestamp: (...args: Parameters<typeof actual.signerTimestamp>) => {
      calls.count++;
      return actual.signerTimestamp(...args);
    },
  };
});

const { verifyAuthenticode } = await import('../../../src/verify/authenticode');
const DIR = join(import.meta.dirname, '../../fixtures/authenticode');

describe('timestamps of Authenticode signers', () => {
  it.each([
    ['signed/pe32plus-sha256-rfc3161.efi', 1],
    ['signed/pe32plus-nested-rfc3161-both.efi', 2],
    ['signed/pe32plus-two-entries.efi', 2],
  ])('%s: the timestamp step runs for each of its %i signers', async (file, signers) => {
    calls.count = 0;
    const result = await verifyAuthenticode({
      image: new Uint8Array(readFileSync(join(DIR, file))),
      anchors: [],
      time: new Date('2026-06-01T00:00:00Z'),
      subtle: globalThis.crypto.subtle,
    });
    expect(result.ok).toBe(true);
    expect(calls.count).toBe(signers);
  });
});
