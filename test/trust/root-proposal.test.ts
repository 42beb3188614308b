import { describe, expect, it } from 'vitest';
import { readProposedRoot } from '../../src/trust/root-proposal';
import { encodePem } from '../../src/verify';
import { ext, makeRoot } from '../verify/path/cert-factory';

const NOW = new Date('2026-11-25T12:00:00Z');

describe('readProposedRoot', () => {
  describe('when the root carries a nameConstraints that is not critical', () => {
    it('refuses it with INVALID_CERTIFICATE: every path under it would fail', async () => {
      const root = await makeRoot('Loose Root', {
        extensions: [
          ext.basicConstraints(true),
          ext.keyUsage('keyCertSign'),
          { ...ext.permittedDns('example.com'), critical: false },
        ],
      });
      const read = readProposedRoot(encodePem('CERTIFICATE', root.der), NOW);
      expect(read).toMatchObject({ ok: false, code: 'INVALID_CERTIFICATE' });
      if (!read.ok) expect(read.detail).toContain('must be critical');
    });
  });

  describe('when the same root marks it critical', () => {
    it('accepts it', async () => {
      const root = await makeRoot('Tight Root', {
        extensions: [
          ext.basicConstraints(true),
          ext.keyUsage('keyCertSign'),
          ext.permittedDns('example.com'),
        ],
      });
      expect(readProposedRoot(encodePem('CERTIFICATE', root.der), NOW).ok).toBe(true);
    });
  });
});
