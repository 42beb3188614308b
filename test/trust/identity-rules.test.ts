import { describe, expect, it } from 'vitest';
import {
  brokenIdentityRules,
  IDENTITY_FIELDS,
  identityRulesSchema,
  matchesPattern,
  readIdentityRules,
  type SignerIdentity,
} from '../../src/trust/identity-rules';

const identity = (values: Partial<SignerIdentity>): SignerIdentity => ({
  ...(Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, []])) as unknown as SignerIdentity),
  ...values,
});

describe('matchesPattern', () => {
  describe('when the pattern has no wildcard', () => {
    it('matches only the whole value, case-sensitively', () => {
      expect(matchesPattern('Acme Corp', 'Acme Corp')).toBe(true);
      expect(matchesPattern('Acme Corp', 'Acme Corp Ltd')).toBe(false);
      expect(matchesPattern('Acme Corp', 'Evil Acme Corp')).toBe(false);
      expect(matchesPattern('Acme Corp', 'acme corp')).toBe(false);
    });
  });

  describe('when the pattern has * and ?', () => {
    it('lets * match any run (also empty) and ? exactly one character, anchored at both ends', () => {
      expect(matchesPattern('Acme * Signing', 'Acme Widget Release Signing')).toBe(true);
      expect(matchesPattern('Acme *', 'Acme ')).toBe(true);
      expect(matchesPattern('*@acme.example', 'build@acme.example')).toBe(true);
      expect(matchesPattern('*@acme.example', 'build@acme.example.evil.test')).toBe(false);
      expect(matchesPattern('*.acme.example', 'acme.example')).toBe(false);
      expect(matchesPattern('signer-?', 'signer-1')).toBe(true);
      expect(matchesPattern('signer-?', 'signer-12')).toBe(false);
      expect(matchesPattern('a*b*c', 'aXbYbZc')).toBe(true);
      expect(matchesPattern('a*b*c', 'aXbYbZ')).toBe(false);
    });

    it('treats regular-expression characters literally', () => {
      expect(matchesPattern('Acme.Corp', 'AcmeXCorp')).toBe(false);
      expect(matchesPattern('(Acme)+', '(Acme)+')).toBe(true);
      expect(matchesPattern('^Acme$', 'Acme')).toBe(false);
    });

    it('lets a backslash make * and ? literal', () => {
      expect(matchesPattern('Acme \\*', 'Acme *')).toBe(true);
      expect(matchesPattern('Acme \\*', 'Acme Corp')).toBe(false);
      expect(matchesPattern('why\\?', 'why?')).toBe(true);
      expect(matchesPattern('a\\\\b', 'a\\b')).toBe(true);
    });
  });

  describe('when the input is adversarial', () => {
    it('stays fast', () => {
      const started = performance.now();
      expect(matchesPattern('*a*a*a*a*a*a*a*a*b', 'a'.repeat(500))).toBe(false);
      expect(performance.now() - started).toBeLessThan(500);
    });
  });
});

describe('brokenIdentityRules', () => {
  const signer = identity({ 'subject.O': ['Acme Corp'], 'subject.CN': ['Acme Widget Release Signing'] });

  describe('when every rule holds', () => {
    it('returns nothing', () => {
      expect(
        brokenIdentityRules(
          [
            { field: 'subject.O', equals: 'Acme Corp' },
            { field: 'subject.CN', pattern: '* Signing' },
          ],
          signer,
        ),
      ).toEqual([]);
    });
  });

  describe('when one rule fails', () => {
    it('names that rule and the values the signer has (rules are AND-ed)', () => {
      const broken = brokenIdentityRules(
        [
          { field: 'subject.O', equals: 'Acme Corp' },
          { field: 'subject.OU', equals: 'Release' },
        ],
        signer,
      );
      expect(broken).toEqual(["subject.OU equals 'Release'; the signer has no subject.OU"]);
    });
  });

  describe('when a field has several values', () => {
    it('holds when any of them matches', () => {
      const multi = identity({ 'san.dns': ['a.example', 'build.acme.example'] });
      expect(brokenIdentityRules([{ field: 'san.dns', pattern: '*.acme.example' }], multi)).toEqual([]);
    });
  });
});

describe('identityRulesSchema', () => {
  describe('when a rule is malformed', () => {
    it('refuses both or neither of equals/pattern, unknown fields and unknown keys', () => {
      for (const rule of [
        { field: 'subject.O' },
        { field: 'subject.O', equals: 'a', pattern: 'b' },
        { field: 'issuer.O', equals: 'a' },
        { field: 'subject.O', equals: 'a', regex: 'x' },
        { field: 'subject.O', equals: '' },
      ]) {
        expect(identityRulesSchema.safeParse([rule]).success, JSON.stringify(rule)).toBe(false);
      }
    });
  });

  describe('when stored rules do not parse', () => {
    it('reports them, so the verifier fails closed', () => {
      const read = readIdentityRules([{ field: 'subject.O', equals: 1 }]);
      expect(read.ok).toBe(false);
    });
  });
});
