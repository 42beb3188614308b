import { describe, expect, it } from 'vitest';
import { decodePemBlocks, encodePem } from '../../src/verify';

describe('decodePemBlocks', () => {
  describe('when the text holds several blocks between other text', () => {
    it('returns each block with its label, in order', () => {
      const text = `intro\n${encodePem('CERTIFICATE', Uint8Array.of(1, 2, 3))}middle\n${encodePem('X509 CRL', Uint8Array.of(4))}end`;
      expect(decodePemBlocks(text)).toEqual([
        { label: 'CERTIFICATE', der: Uint8Array.of(1, 2, 3) },
        { label: 'X509 CRL', der: Uint8Array.of(4) },
      ]);
    });
  });

  describe('when a block is not terminated', () => {
    it('skips it without swallowing the next block', () => {
      const text = `-----BEGIN CERTIFICATE-----\nAAAA\n${encodePem('CERTIFICATE', Uint8Array.of(9))}`;
      expect(decodePemBlocks(text)).toEqual([{ label: 'CERTIFICATE', der: Uint8Array.of(9) }]);
    });
  });

  describe('when a block has RFC 1421 headers or a body that is not base64', () => {
    it('skips it', () => {
      expect(
        decodePemBlocks(
          '-----BEGIN CERTIFICATE-----\nProc-Type: 4,ENCRYPTED\nAAAA\n-----END CERTIFICATE-----',
        ),
      ).toEqual([]);
      expect(decodePemBlocks('-----BEGIN CERTIFICATE-----\n%%%%\n-----END CERTIFICATE-----')).toEqual([]);
    });
  });

  describe('when a megabyte of BEGIN lines without END arrives (a regex would backtrack quadratically)', () => {
    it('reads it in linear time', () => {
      const text = '-----BEGIN A-----'.repeat(60_000);
      const started = performance.now();
      expect(decodePemBlocks(text)).toEqual([]);
      // Generous bound: the point is seconds-versus-milliseconds, not a benchmark.
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });
});
