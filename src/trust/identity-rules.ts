import { z } from 'zod';
import type { ParsedCertificate } from '../verify';

/**
 * Signer identity rules of a vendor. A chain that reaches the vendor's root proves only that the vendor's
 * CA issued the signer; the rules say *which* of its certificates may sign packages. Every rule must hold
 * (they are AND-ed); a rule holds when at least one value of its field matches.
 *
 * Fields: `subject.<attr>` (CN, O, OU, C, L, ST, serialNumber, emailAddress) reads the signer's subject
 * attributes; `san.email`, `san.dns`, `san.uri` read its subjectAltName entries.
 *
 * `equals` compares the whole value exactly (case-sensitive, no normalisation). `pattern` is anchored at
 * both ends: it must match the whole value. In a pattern `*` matches any run of characters (also none),
 * `?` exactly one character, and `\` makes the next character literal (`\*`, `\?`, `\\`); every other
 * character matches itself, case-sensitively. There are no regular expressions, so no rule can be slow.
 */
export const IDENTITY_FIELDS = [
  'subject.CN',
  'subject.O',
  'subject.OU',
  'subject.C',
  'subject.L',
  'subject.ST',
  'subject.serialNumber',
  'subject.emailAddress',
  'san.email',
  'san.dns',
  'san.uri',
] as const;
export type IdentityField = (typeof IDENTITY_FIELDS)[number];

export const identityRuleSchema = z
  .object({
    field: z.enum(IDENTITY_FIELDS),
    equals: z.string().min(1).max(512).optional(),
    pattern: z
      .string()
      .min(1)
      .max(512)
      .refine((p) => !/\\$/.test(p.replaceAll('\\\\', '')), 'a pattern may not end with a lone backslash')
      .optional(),
  })
  .strict()
  .refine((rule) => (rule.equals === undefined) !== (rule.pattern === undefined), {
    message: 'a rule has exactly one of equals or pattern',
  });
export type IdentityRule = z.infer<typeof identityRuleSchema>;

export const identityRulesSchema = z.array(identityRuleSchema).max(50);

/** The values of a signer certificate that rules can read, per field. */
export type SignerIdentity = Record<IdentityField, string[]>;

const SUBJECT_OIDS: Record<string, IdentityField> = {
  '2.5.4.3': 'subject.CN',
  '2.5.4.10': 'subject.O',
  '2.5.4.11': 'subject.OU',
  '2.5.4.6': 'subject.C',
  '2.5.4.7': 'subject.L',
  '2.5.4.8': 'subject.ST',
  '2.5.4.5': 'subject.serialNumber',
  '1.2.840.113549.1.9.1': 'subject.emailAddress',
};

export function signerIdentityOf(certificate: ParsedCertificate): SignerIdentity {
  const identity = Object.fromEntries(IDENTITY_FIELDS.map((f) => [f, [] as string[]])) as SignerIdentity;
  for (const rdn of certificate.subjectName.rdns) {
    for (const attribute of rdn) {
      const field = SUBJECT_OIDS[attribute.oid];
      if (field && attribute.text !== null) identity[field].push(attribute.text);
    }
  }
  for (const name of certificate.extensions.subjectAltName ?? []) {
    if (name.kind === 'rfc822') identity['san.email'].push(name.value);
    if (name.kind === 'dns') identity['san.dns'].push(name.value);
    if (name.kind === 'uri') identity['san.uri'].push(name.value);
  }
  return identity;
}

type Token = { kind: 'char'; char: string } | { kind: 'any' } | { kind: 'one' };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\' && i + 1 < chars.length) tokens.push({ kind: 'char', char: chars[++i] as string });
    else if (c === '*') tokens.push({ kind: 'any' });
    else if (c === '?') tokens.push({ kind: 'one' });
    else tokens.push({ kind: 'char', char: c });
  }
  return tokens;
}

/** Whether `value` matches the whole anchored `pattern` (syntax above). Linear backtracking on `*` only. */
export function matchesPattern(pattern: string, value: string): boolean {
  const p = tokenize(pattern);
  const v = Array.from(value);
  let pi = 0;
  let vi = 0;
  let starAt = -1;
  let starMatched = 0;
  while (vi < v.length) {
    const token = p[pi];
    if (token && (token.kind === 'one' || (token.kind === 'char' && token.char === v[vi]))) {
      pi++;
      vi++;
    } else if (token?.kind === 'any') {
      starAt = pi++;
      starMatched = vi;
    } else if (starAt >= 0) {
      pi = starAt + 1;
      vi = ++starMatched;
    } else {
      return false;
    }
  }
  while (p[pi]?.kind === 'any') pi++;
  return pi === p.length;
}

export const ruleMatches = (rule: IdentityRule, value: string): boolean =>
  rule.equals !== undefined ? value === rule.equals : matchesPattern(rule.pattern ?? '', value);

export const describeRule = (rule: IdentityRule): string =>
  rule.equals !== undefined
    ? `${rule.field} equals '${rule.equals}'`
    : `${rule.field} matches '${rule.pattern}'`;

/** The rules the signer breaks, described; empty when every rule holds. */
export function brokenIdentityRules(rules: IdentityRule[], identity: SignerIdentity): string[] {
  const broken: string[] = [];
  for (const rule of rules) {
    const values = identity[rule.field];
    if (!values.some((value) => ruleMatches(rule, value))) {
      broken.push(
        `${describeRule(rule)}; the signer has ${values.length ? values.map((v) => `'${v}'`).join(', ') : `no ${rule.field}`}`,
      );
    }
  }
  return broken;
}

/**
 * Reads a vendor's stored rules. Rules that do not parse are a fault of the store, not of the request:
 * they make every signature of the vendor fail closed (the caller gets a mismatch that names the problem).
 */
export function readIdentityRules(
  stored: unknown[],
): { ok: true; rules: IdentityRule[] } | { ok: false; detail: string } {
  const parsed = identityRulesSchema.safeParse(stored);
  if (parsed.success) return { ok: true, rules: parsed.data };
  return {
    ok: false,
    detail: `the vendor's identity rules are invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
  };
}
