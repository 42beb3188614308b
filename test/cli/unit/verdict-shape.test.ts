import { describe, expect, it } from 'vitest';
import { isFailure } from '../../../src/cli/failure';
import { verdictOf } from '../../../src/cli/outcome';
import { VERDICT } from './fake-io';

const trusted = VERDICT.trusted();

describe('verdictOf', () => {
  describe('when the answer has the shape of a trustgate verdict', () => {
    it.each([
      ['trusted', trusted],
      ['rejected without a signer', { ...VERDICT.rejected('SIGNATURE_UNREADABLE'), signer: null }],
      ['unknown_root with its case', VERDICT.unknownRoot()],
      ['trusted through a pinned signer', VERDICT.pinned()],
      ['trusted with several signatures', VERDICT.severalSignatures()],
    ])('reads %s as a verdict, keeping every field', (_, body) => {
      const verdict = verdictOf({ ...body, extra: { kept: true } }, 'acme');
      expect(isFailure(verdict)).toBe(false);
      expect(verdict).toMatchObject({ verdict: body.verdict, extra: { kept: true } });
    });
  });

  describe('when the answer is malformed', () => {
    it.each([
      ['not an object', ['trusted']],
      ['a verdict that is not one of the three', { ...trusted, verdict: 'TRUSTED' }],
      ['no reasons list', { ...trusted, reasons: undefined }],
      ['a signer without a subject', { ...trusted, signer: { sha256: 'ab' } }],
      ['an escalation without an id', { ...VERDICT.unknownRoot(), escalation: { state: 'open' } }],
      ['trusted without an anchor', { ...trusted, anchor: null }],
      ['trusted without a signer', { ...trusted, signer: null }],
      ['trusted with reasons', { ...trusted, reasons: [{ code: 'CERT_EXPIRED', message: 'expired' }] }],
      ['a verdict about another vendor', { ...trusted, vendor: 'globex' }],
      ['signatures that are not a list', { ...trusted, signatures: { id: '1' } }],
      ['a signature without an id', { ...trusted, signatures: [{ verdict: 'trusted', reasons: [] }] }],
      [
        'a signature whose verdict is not one of the three',
        { ...trusted, signatures: [{ id: '1', verdict: 'ok', reasons: [] }] },
      ],
      [
        'a signature without reasons',
        { ...trusted, signatures: [{ id: '1', verdict: 'trusted', anchor: null }] },
      ],
      [
        'a signature with a malformed anchor',
        {
          ...trusted,
          signatures: [{ id: '1', verdict: 'trusted', reasons: [], anchor: { kind: 'signer' } }],
        },
      ],
    ])('refuses %s as SERVER_ANSWER_UNEXPECTED (exit 4), never a verdict', (_, body) => {
      const result = verdictOf(body, 'acme');
      expect(isFailure(result)).toBe(true);
      expect(result).toMatchObject({ code: 'SERVER_ANSWER_UNEXPECTED', exit: 4 });
    });
  });
});
