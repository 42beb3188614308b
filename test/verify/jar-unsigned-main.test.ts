import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyJar } from '../../src/verify';
import { anchorsIn } from '../helpers/jar-fixtures';

const DIR = join(import.meta.dirname, '../fixtures/jar-unsigned-main');
// Made on 2026-11-25, valid for about eight years.
const TIME = new Date('2027-01-01T00:00:00Z');

async function verdict(file: string) {
  const result = await verifyJar({
    archive: new Uint8Array(readFileSync(join(DIR, file))),
    anchors: anchorsIn(join(DIR, 'trust-store/jso')),
    tsaAnchors: [],
    time: TIME,
    subtle: crypto.subtle,
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return { verdict: result.outcome.verdict, codes: result.outcome.reasons.map((r) => r.code) };
}

describe('verifyJar on a .SF that signs neither the manifest nor its main attributes', () => {
  describe('when the main section was changed afterwards (Main-Class: Evil)', () => {
    it('is rejected (regression: it was trusted, as jarsigner accepts it)', async () => {
      expect(await verdict('app-main-changed.jar')).toMatchObject({
        verdict: 'rejected',
        codes: expect.arrayContaining(['JAR_MANIFEST_DIGEST_MISMATCH']),
      });
    });
  });

  describe('when nothing was changed', () => {
    it('is still rejected: unsigned main attributes are never trusted', async () => {
      expect((await verdict('app-sections-only.jar')).verdict).toBe('rejected');
    });
  });
});
