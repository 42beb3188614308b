import { describe, expect, it } from 'vitest';
import { casesSettledByRoot, type EscalationCase, openOrJoin, resolve } from '../../src/escalation';
import { TOP_SHA256, TOP_SPKI } from './facts';

const AT = new Date('2026-11-25T10:00:00.000Z');

function openCase(id: string, vendorId: string, top: EscalationCase['top']): EscalationCase {
  return openOrJoin(undefined, {
    newCaseId: id,
    vendorId,
    top,
    chain: [],
    artifactDigest: `sha256:${'ef'.repeat(32)}`,
    at: AT,
    stepCount: 6,
  }).case;
}

describe('casesSettledByRoot', () => {
  const root = { vendorId: 'acme', spkiSha256: TOP_SPKI.toUpperCase(), subject: 'CN=Acme Root 2026' };

  describe('when the approved root is the top of a case', () => {
    it('settles that case, matched by SPKI', () => {
      const c = openCase('a', 'acme', {
        subject: 'CN=Acme Root 2026',
        sha256: TOP_SHA256,
        spkiSha256: TOP_SPKI,
      });
      expect(casesSettledByRoot([c], root).map((x) => x.id)).toEqual(['a']);
    });
  });

  describe('when the approved root issued the top of a case', () => {
    it('settles that case, matched by the issuer name', () => {
      const c = openCase('b', 'acme', {
        subject: 'CN=Acme Intermediate',
        issuer: 'CN=Acme Root 2026',
        sha256: 'aa'.repeat(32),
        spkiSha256: 'bb'.repeat(32),
      });
      expect(casesSettledByRoot([c], root).map((x) => x.id)).toEqual(['b']);
    });
  });

  describe('when cases belong to another vendor, another root, or are resolved', () => {
    it('leaves them alone', () => {
      const other = openCase('c', 'globex', {
        subject: 'CN=Acme Root 2026',
        sha256: TOP_SHA256,
        spkiSha256: TOP_SPKI,
      });
      const unrelated = openCase('d', 'acme', {
        subject: 'CN=X',
        issuer: 'CN=Y',
        sha256: 'aa'.repeat(32),
        spkiSha256: 'cc'.repeat(32),
      });
      const done = resolve(
        openCase('e', 'acme', { subject: 'CN=R', sha256: TOP_SHA256, spkiSha256: TOP_SPKI }),
        {
          outcome: 'rejected',
          actor: 'bob',
          at: AT,
        },
      );
      if (!done.ok) throw new Error(done.error.message);
      expect(casesSettledByRoot([other, unrelated, done.case], root)).toEqual([]);
    });
  });
});
