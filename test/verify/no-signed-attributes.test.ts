import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ArtifactInput, decodePemBlocks, verifyPackage } from '../../src/verify';

const DIR = join(import.meta.dirname, '../fixtures/cms-noattr');
const read = (file: string) => new Uint8Array(readFileSync(join(DIR, file)));
const anchors = decodePemBlocks(readFileSync(join(DIR, 'trust-store/noattr/noattr-root.pem'), 'utf8')).map(
  (b) => ({
    id: 'noattr-root',
    der: b.der,
  }),
);
// The fixtures are valid for about eight years from 2026-11-25, when they were made.
const TIME = new Date('2027-01-01T00:00:00Z');
const sha256 = (file: string): ArtifactInput => ({
  kind: 'digest',
  algorithm: 'SHA-256',
  value: new Uint8Array(createHash('sha256').update(read(file)).digest()),
});

async function verdict(signature: string, artifact: ArtifactInput) {
  const result = await verifyPackage({
    signature: read(signature),
    artifact,
    anchors,
    time: TIME,
    subtle: crypto.subtle,
  });
  if (!result.ok) return result.code;
  return [result.outcome.verdict, ...result.outcome.reasons.map((r) => r.code)].join(' ');
}

describe('verifyPackage on signatures without signed attributes', () => {
  describe('when the content is attached', () => {
    it('trusts the content itself, or its own digest', async () => {
      expect(await verdict('attached.p7s', { kind: 'none' })).toBe('trusted');
      expect(await verdict('attached.p7s', sha256('good.bin'))).toBe('trusted');
      expect(await verdict('attached.p7s', { kind: 'bytes', bytes: read('good.bin') })).toBe('trusted');
    });
    it('rejects the digest of other content (regression: it was trusted)', async () => {
      expect(await verdict('attached.p7s', sha256('evil.bin'))).toBe('rejected DIGEST_MISMATCH');
    });
    it('rejects other uploaded content', async () => {
      expect(await verdict('attached.p7s', { kind: 'bytes', bytes: read('evil.bin') })).toBe(
        'rejected DIGEST_MISMATCH',
      );
    });
  });

  describe('when the signature is detached', () => {
    it('checks the uploaded artifact and cannot be decided from a digest alone', async () => {
      expect(await verdict('detached.p7s', { kind: 'bytes', bytes: read('good.bin') })).toBe('trusted');
      expect(await verdict('detached.p7s', { kind: 'bytes', bytes: read('evil.bin') })).toBe(
        'rejected SIGNATURE_INVALID',
      );
      expect(await verdict('detached.p7s', sha256('good.bin'))).toBe('CONTENT_REQUIRED');
    });
  });
});
