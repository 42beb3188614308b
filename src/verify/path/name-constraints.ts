import type { ParsedCertificate } from '../certificate';
import type { NameConstraints } from './extensions';
import type { GeneralName } from './general-names';
import { attributeValues, nameWithinSubtree, OID_EMAIL_ADDRESS } from './names';

/**
 * RFC 5280 §4.2.1.10 / §6.1.3 (b)-(c), §6.1.4 (g): every CA's constraints apply to the names of every
 * certificate below it (the subject DN, emailAddress attributes of the subject, and every SAN), except
 * self-issued intermediates. Instead of intersecting permitted subtrees, each CA's constraints are kept
 * and a name must satisfy all of them, which is equivalent and has no corner cases.
 *
 * Name forms this code cannot compare (otherName, x400Address, ediPartyName, registeredID) fail
 * closed: a constraint of that form meeting a name of that form is a violation.
 * Work is bounded: past `budget` comparisons per path the check stops and marks the budget exhausted
 * (the caller fails the path with PATH_BUDGET_EXCEEDED: it was not proven to comply).
 */

export type NameKind = GeneralName['kind'];

export class NameConstraintsBudget {
  exhausted = false;
  constructor(public remaining: number) {}
}

/** Names of a certificate that constraints apply to. */
export function constrainedNames(cert: ParsedCertificate): GeneralName[] {
  const names: GeneralName[] = [];
  if (!cert.subjectName.isEmpty) names.push({ kind: 'directoryName', name: cert.subjectName });
  for (const email of attributeValues(cert.subjectName, OID_EMAIL_ADDRESS)) {
    names.push({ kind: 'rfc822', value: email });
  }
  for (const san of cert.extensions.subjectAltName ?? []) names.push(san);
  return names;
}

const lower = (s: string): string => s.toLowerCase();

function dnsWithin(name: string, constraint: string): boolean {
  if (constraint === '') return true;
  const n = lower(name);
  const c = lower(constraint);
  return n === c || n.endsWith(`.${c}`);
}

/**
 * For a wildcard SAN `*.base`: `all` when every name it stands for is within the constraint, `some`
 * when at least one may be.
 */
function wildcardWithin(base: string, constraint: string): { all: boolean; some: boolean } {
  const all = dnsWithin(base, constraint);
  const c = lower(constraint);
  const b = lower(base);
  const oneLabelBelow = c.endsWith(`.${b}`) && !c.slice(0, c.length - b.length - 1).includes('.');
  return { all, some: all || oneLabelBelow };
}

function emailWithin(mailbox: string, constraint: string): boolean {
  const at = mailbox.lastIndexOf('@');
  const local = mailbox.slice(0, at);
  const host = lower(mailbox.slice(at + 1));
  if (constraint.includes('@')) {
    const cat = constraint.lastIndexOf('@');
    return local === constraint.slice(0, cat) && host === lower(constraint.slice(cat + 1));
  }
  const c = lower(constraint);
  if (c.startsWith('.')) return host.endsWith(c);
  return host === c;
}

function uriHost(uri: string): string | null {
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(uri);
  const host = m?.[1];
  return host ? host : null;
}

function uriWithin(uri: string, constraint: string): boolean {
  const host = uriHost(uri);
  if (host === null) return false;
  const h = lower(host);
  const c = lower(constraint);
  if (c.startsWith('.')) return h.endsWith(c);
  return h === c;
}

function ipWithin(bytes: Uint8Array, constraint: Uint8Array): boolean {
  if (constraint.length !== bytes.length * 2) return false;
  for (let i = 0; i < bytes.length; i++) {
    const mask = constraint[bytes.length + i] as number;
    if (((bytes[i] as number) & mask) !== ((constraint[i] as number) & mask)) return false;
  }
  return true;
}

/** Whether `name` is within `base`; `mode` decides wildcard SANs (all names for permitted, any for excluded). */
function within(name: GeneralName, base: GeneralName, mode: 'permitted' | 'excluded'): boolean {
  if (name.kind !== base.kind) return false;
  switch (name.kind) {
    case 'dns': {
      const c = (base as { value: string }).value;
      if (name.value.startsWith('*.')) {
        const w = wildcardWithin(name.value.slice(2), c);
        return mode === 'permitted' ? w.all : w.some;
      }
      return dnsWithin(name.value, c);
    }
    case 'rfc822':
      return emailWithin(name.value, (base as { value: string }).value);
    case 'uri':
      return uriWithin(name.value, (base as { value: string }).value);
    case 'ip':
      return ipWithin(name.bytes, (base as { bytes: Uint8Array }).bytes);
    case 'directoryName':
      return nameWithinSubtree(name.name, (base as { name: typeof name.name }).name);
    default:
      // Forms we cannot compare: treat as "within" for excluded (fail closed) and "not within" for permitted.
      return mode === 'excluded';
  }
}

/** Returns a violation message, or null when every name satisfies the constraints (or the budget ran out). */
export function checkNameConstraints(
  names: GeneralName[],
  constraints: NameConstraints,
  budget: NameConstraintsBudget,
): string | null {
  const permitted = constraints.permitted ?? [];
  const excluded = constraints.excluded ?? [];
  const cost = names.length * (permitted.length + excluded.length);
  if (cost > budget.remaining) {
    budget.exhausted = true;
    return null;
  }
  budget.remaining -= cost;
  for (const name of names) {
    const sameKind = permitted.filter((s) => s.base.kind === name.kind);
    if (sameKind.length > 0 && !sameKind.some((s) => within(name, s.base, 'permitted'))) {
      return `${describe(name)} is not within the permitted subtrees`;
    }
    if (excluded.some((s) => within(name, s.base, 'excluded'))) {
      return `${describe(name)} is within an excluded subtree`;
    }
  }
  return null;
}

function describe(name: GeneralName): string {
  switch (name.kind) {
    case 'dns':
      return `dNSName ${name.value}`;
    case 'rfc822':
      return `rfc822Name ${name.value}`;
    case 'uri':
      return `URI ${name.value}`;
    case 'ip':
      return `iPAddress ${Array.from(name.bytes).join('.')}`;
    case 'directoryName':
      return `directoryName "${name.name.display}"`;
    default:
      return `a name of form ${name.kind}`;
  }
}
