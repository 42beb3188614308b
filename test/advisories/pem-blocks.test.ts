import { describe, expect, it } from 'vitest';
import { findPemCertificates, withoutPemBlocks } from '../../src/advisories/pem';
import { encodePem } from '../../src/verify';

const fakeCert = new Uint8Array(40).fill(7);
fakeCert[0] = 0x30;

describe('certificate PEM blocks in advisory text', () => {
  describe('when an item carries a certificate between prose', () => {
    it('finds it and removes it from the text that is scanned for fingerprints', () => {
      const text = `Our new root:\n${encodePem('CERTIFICATE', fakeCert)}Fingerprint below.`;
      expect(findPemCertificates(text).map((c) => c.der)).toEqual([fakeCert]);
      const rest = withoutPemBlocks(text);
      expect(rest).toContain('Our new root:');
      expect(rest).toContain('Fingerprint below.');
      expect(rest).not.toContain('BEGIN');
    });
  });

  describe('when a feed sends two megabytes of BEGIN lines without END (a regex would backtrack quadratically)', () => {
    it('reads it in linear time (regression: the advisory reader used the quadratic regex)', () => {
      const text = '-----BEGIN CERTIFICATE-----'.repeat(75_000);
      const started = performance.now();
      expect(findPemCertificates(text)).toEqual([]);
      expect(withoutPemBlocks(text)).toBe(text);
      // Seconds versus milliseconds, not a benchmark.
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });
});
