import { describe, expect, it } from 'vitest';
import { createRevocationRecorder } from '../../src/services/revocation/recorder';
import type { KnownRevocation } from '../../src/verify';

const revocation = (serial: string, evidence = 'ocsp-response-1'): KnownRevocation => ({
  issuer: 'anchor:root|cn=ca',
  serial,
  reasonCode: 1,
  revocationDate: new Date('2026-05-01T00:00:00Z'),
  evidenceSha256: evidence,
});

describe('createRevocationRecorder', () => {
  describe('when one OCSP response revoked two signers, asked about one at a time', () => {
    it('remembers both (regression: the second was skipped as already written)', async () => {
      const written: KnownRevocation[] = [];
      const recorder = createRevocationRecorder({
        find: async () => [],
        remember: async (entries) => void written.push(...entries),
      });
      await recorder.record([{ key: 'ocsp-response-1:0a@cn=ca', revocations: [revocation('0a')] }]);
      await recorder.record([{ key: 'ocsp-response-1:0b@cn=ca', revocations: [revocation('0b')] }]);
      expect(written.map((r) => r.serial)).toEqual(['0a', '0b']);
    });
  });

  describe('when the same lesson comes again', () => {
    it('writes it once', async () => {
      let writes = 0;
      const recorder = createRevocationRecorder({
        find: async () => [],
        remember: async () => void writes++,
      });
      for (let i = 0; i < 3; i++)
        await recorder.record([{ key: 'crl:abc', revocations: [revocation('0a')] }]);
      expect(writes).toBe(1);
    });
  });

  describe('when a write fails', () => {
    it('fails the call and writes the lesson again next time', async () => {
      let attempts = 0;
      const recorder = createRevocationRecorder({
        find: async () => [],
        remember: async () => {
          attempts++;
          if (attempts === 1) throw new Error('database is locked');
        },
      });
      const lesson = [{ key: 'crl:abc', revocations: [revocation('0a')] }];
      await expect(recorder.record(lesson)).rejects.toThrow('database is locked');
      await recorder.record(lesson);
      expect(attempts).toBe(2);
    });
  });

  describe("when the CA's next CRL lists again what an earlier one did", () => {
    it('writes only the revocations not yet held with the same reason and date', async () => {
      const held: KnownRevocation[] = [];
      const recorder = createRevocationRecorder({
        find: async (keys) =>
          held.filter((r) => keys.some((k) => k.issuer === r.issuer && k.serial === r.serial)),
        remember: async (entries) => void held.push(...entries),
      });
      await recorder.record([{ key: 'crl:day-1', revocations: [revocation('0a', 'day-1')] }]);
      await recorder.record([
        { key: 'crl:day-2', revocations: [revocation('0a', 'day-2'), revocation('0b', 'day-2')] },
      ]);
      expect(held.map((r) => `${r.serial} ${r.evidenceSha256}`)).toEqual(['0a day-1', '0b day-2']);
    });
  });
});
