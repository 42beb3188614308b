import { describe, expect, it } from 'vitest';
import type { NameConstraints } from '../../../src/verify/path/extensions';
import type { GeneralName } from '../../../src/verify/path/general-names';
import { checkNameConstraints, NameConstraintsBudget } from '../../../src/verify/path/name-constraints';

const dns = (value: string): GeneralName => ({ kind: 'dns', value });
const email = (value: string): GeneralName => ({ kind: 'rfc822', value });
const ip = (...bytes: number[]): GeneralName => ({ kind: 'ip', bytes: new Uint8Array(bytes) });
const permitted = (...bases: GeneralName[]): NameConstraints => ({
  permitted: bases.map((base) => ({ base })),
  excluded: null,
});
const excluded = (...bases: GeneralName[]): NameConstraints => ({
  permitted: null,
  excluded: bases.map((base) => ({ base })),
});
const check = (names: GeneralName[], nc: NameConstraints): string | null =>
  checkNameConstraints(names, nc, new NameConstraintsBudget(1000));

const v6 = (last: number, prefix = 128): number[] => {
  const addr = new Array(16).fill(0);
  addr[15] = last;
  const mask = new Array(16)
    .fill(0)
    .map((_, i) => (i * 8 + 8 <= prefix ? 0xff : i * 8 < prefix ? 0xff << (8 - (prefix % 8)) : 0) & 0xff);
  return [...addr, ...mask];
};

describe('checkNameConstraints', () => {
  describe('when a DNS subtree is permitted', () => {
    it('admits the name and its subdomains, and refuses other names', () => {
      const nc = permitted(dns('example.com'));
      expect(check([dns('example.com')], nc)).toBeNull();
      expect(check([dns('a.b.EXAMPLE.com')], nc)).toBeNull();
      expect(check([dns('badexample.com')], nc)).toMatch(/not within the permitted/);
    });
    it('admits a wildcard only when every name it stands for is inside', () => {
      expect(check([dns('*.example.com')], permitted(dns('example.com')))).toBeNull();
      expect(check([dns('*.com')], permitted(dns('example.com')))).not.toBeNull();
    });
  });

  describe('when a DNS subtree is excluded', () => {
    it('refuses a wildcard that could stand for a name inside it', () => {
      expect(check([dns('*.example.com')], excluded(dns('bar.example.com')))).toMatch(/excluded/);
      expect(check([dns('*.example.org')], excluded(dns('bar.example.com')))).toBeNull();
    });
  });

  describe('when constraints are of another name form', () => {
    it('leaves names of other forms alone', () => {
      expect(check([dns('example.com')], permitted(ip(192, 0, 2, 0, 255, 255, 255, 0)))).toBeNull();
    });
  });

  describe('when IP subtrees are given', () => {
    it('compares IPv4 and IPv6 addresses under their masks, never across families', () => {
      expect(check([ip(192, 0, 2, 7)], permitted(ip(192, 0, 2, 0, 255, 255, 255, 0)))).toBeNull();
      expect(check([ip(192, 0, 3, 7)], permitted(ip(192, 0, 2, 0, 255, 255, 255, 0)))).not.toBeNull();
      const loopback = [...new Array(15).fill(0), 1];
      expect(check([ip(...loopback)], excluded(ip(...v6(1))))).toMatch(/excluded/);
      expect(check([ip(...loopback)], permitted(ip(192, 0, 2, 0, 255, 255, 255, 0)))).not.toBeNull();
    });
  });

  describe('when rfc822 subtrees are given', () => {
    it('matches a mailbox exactly, a host, or any host under a leading-period domain', () => {
      expect(check([email('*@example.com')], permitted(email('*@example.com')))).toBeNull();
      expect(check([email('user@example.com')], permitted(email('*@example.com')))).not.toBeNull();
      expect(check([email('user@example.com')], permitted(email('example.com')))).toBeNull();
      expect(check([email('user@sub.example.com')], permitted(email('example.com')))).not.toBeNull();
      expect(check([email('user@sub.example.com')], permitted(email('.example.com')))).toBeNull();
    });
  });

  describe('when a constraint is of a form the verifier cannot compare', () => {
    it('fails closed for names of that form only', () => {
      const other: GeneralName = { kind: 'otherName', typeId: '1.2.3.4', raw: new Uint8Array([0x30, 0]) };
      expect(check([other], excluded(other))).toMatch(/excluded/);
      expect(check([dns('example.com')], excluded(other))).toBeNull();
    });
  });

  describe('when names times constraints exceed the budget', () => {
    it('stops and marks the budget exhausted', () => {
      const budget = new NameConstraintsBudget(10);
      const names = Array.from({ length: 20 }, (_, i) => dns(`n${i}.example.com`));
      expect(checkNameConstraints(names, permitted(dns('example.com')), budget)).toBeNull();
      expect(budget.exhausted).toBe(true);
    });
  });
});
