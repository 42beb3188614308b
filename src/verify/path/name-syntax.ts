import type { GeneralName } from './general-names';

/**
 * Syntax rules for the names that name constraints compare (RFC 5280 §4.2.1.6 and §4.2.1.10): a name
 * or a constraint that breaks them makes its certificate malformed, so that nothing downstream ever
 * compares a name it cannot interpret.
 */

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

/** RFC 1034 §3.5 preferred name syntax as relaxed by RFC 1123 §2.1; `*.` prefix when `allowWildcard`. */
export function isValidDnsName(name: string, allowWildcard: boolean): boolean {
  if (name.length === 0 || name.length > 253) return false;
  let labels = name.split('.');
  if (allowWildcard && labels[0] === '*' && labels.length > 2) labels = labels.slice(1);
  if (!labels.every((l) => LABEL.test(l))) return false;
  // A host name never has the dotted-decimal form: its top label is not all digits.
  return !/^[0-9]+$/.test(labels[labels.length - 1] ?? '');
}

/** A dNSName constraint: empty (matches everything) or a domain without wildcard or leading period. */
export function isValidDnsConstraint(name: string): boolean {
  return name === '' || isValidDnsName(name, false);
}

/** RFC 5321 Local-part: a dot-string of atext atoms, or a quoted string. */
const DOT_STRING = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const QUOTED_STRING = /^"([\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;

export function isValidMailbox(value: string): boolean {
  const at = value.lastIndexOf('@');
  if (at <= 0) return false;
  const local = value.slice(0, at);
  return (DOT_STRING.test(local) || QUOTED_STRING.test(local)) && isValidDnsName(value.slice(at + 1), false);
}

/** An rfc822Name constraint: a mailbox, a host, or `.domain` for every host below it. */
export function isValidEmailConstraint(value: string): boolean {
  if (value.includes('@')) return isValidMailbox(value);
  const host = value.startsWith('.') ? value.slice(1) : value;
  return isValidDnsName(host, false);
}

/** An iPAddress constraint: address and mask of 4+4 or 16+16 octets, mask a contiguous prefix. */
export function isValidIpConstraint(bytes: Uint8Array): boolean {
  if (bytes.length !== 8 && bytes.length !== 32) return false;
  const half = bytes.length / 2;
  let seenZero = false;
  for (let i = half; i < bytes.length; i++) {
    const b = bytes[i] as number;
    for (let bit = 7; bit >= 0; bit--) {
      const set = (b >> bit) & 1;
      if (set && seenZero) return false;
      if (!set) seenZero = true;
    }
  }
  return true;
}

/** Checks a subjectAltName entry's syntax; returns a message when it is malformed. */
export function sanSyntaxError(name: GeneralName): string | null {
  switch (name.kind) {
    case 'dns':
      return isValidDnsName(name.value, true) ? null : `dNSName "${name.value}" is not a valid host name`;
    case 'rfc822':
      return isValidMailbox(name.value) ? null : `rfc822Name "${name.value}" is not a valid mailbox`;
    case 'ip':
      return name.bytes.length === 4 || name.bytes.length === 16
        ? null
        : 'iPAddress must have 4 or 16 octets';
    default:
      return null;
  }
}

/** Checks a name-constraint subtree's syntax; returns a message when it is malformed. */
export function subtreeSyntaxError(base: GeneralName): string | null {
  switch (base.kind) {
    case 'dns':
      return isValidDnsConstraint(base.value) ? null : `dNSName constraint "${base.value}" is malformed`;
    case 'rfc822':
      return isValidEmailConstraint(base.value) ? null : `rfc822Name constraint "${base.value}" is malformed`;
    case 'ip':
      return isValidIpConstraint(base.bytes) ? null : 'iPAddress constraint is not an address and CIDR mask';
    case 'uri': {
      const host = base.value.startsWith('.') ? base.value.slice(1) : base.value;
      return isValidDnsName(host, false) ? null : `URI constraint "${base.value}" is malformed`;
    }
    default:
      return null;
  }
}
