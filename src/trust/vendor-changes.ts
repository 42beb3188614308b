import { type ApprovalLineage, independenceRefusal } from './approvals';
import type { Contact, Vendor, VendorRevocationPolicy } from './model';
import { notPending, type Refusal } from './root-proposal';

/**
 * Changes to a vendor's escalation contacts or signer identity rules take two admins, like making a root
 * active: the contact on file is whom on-call reads fingerprints to, and identity rules decide which
 * signers an active root vouches for, so one admin alone could otherwise redirect the out-of-band check
 * or widen trust. A name change is applied at once.
 *
 * The revocation policy goes by direction: `best-effort` -> `require` only takes trust away (a signature
 * without revocation information is then rejected) and applies at once; `require` -> `best-effort` widens
 * trust and takes a second admin.
 *
 * A proposal is made against one version of the vendor and can only be approved while the vendor is still
 * at that version, so the approver always approves the exact before and after they were shown.
 */

export interface VendorChangeFields {
  name?: string;
  contacts?: Contact[];
  identityRules?: unknown[];
  revocationPolicy?: VendorRevocationPolicy;
}

export type VendorChangeState = 'pending' | 'approved' | 'withdrawn';

export interface VendorChange {
  id: string;
  vendorId: string;
  state: VendorChangeState;
  /** The vendor version the proposal was made against. */
  baseVersion: number;
  changes: VendorChangeFields;
  reason: string;
  proposedBy: string;
  proposedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

export type VendorChangeDecision = { ok: true; change: VendorChange; vendor: Vendor } | Refusal;

/** Canonical JSON (object keys sorted) so that equal values compare equal whatever their key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The fields of `patch` that differ from `vendor`. */
export function changedFields(vendor: Vendor, patch: VendorChangeFields): VendorChangeFields {
  const out: VendorChangeFields = {};
  if (patch.name !== undefined && patch.name !== vendor.name) out.name = patch.name;
  if (patch.contacts !== undefined && canonical(patch.contacts) !== canonical(vendor.contacts))
    out.contacts = patch.contacts;
  if (patch.identityRules !== undefined && canonical(patch.identityRules) !== canonical(vendor.identityRules))
    out.identityRules = patch.identityRules;
  if (patch.revocationPolicy !== undefined && patch.revocationPolicy !== vendor.revocationPolicy)
    out.revocationPolicy = patch.revocationPolicy;
  return out;
}

/**
 * Whether applying these changes (as `changedFields` gives them: only what differs from the vendor) takes
 * a second admin. Of the two policies only `best-effort` is a widening, so it is the one that waits.
 */
export function needsSecondAdmin(changes: VendorChangeFields): boolean {
  return (
    changes.contacts !== undefined ||
    changes.identityRules !== undefined ||
    changes.revocationPolicy === 'best-effort'
  );
}

/** The vendor with `changes` applied, one version on. */
export function applyVendorChange(vendor: Vendor, changes: VendorChangeFields, now: Date): Vendor {
  return {
    ...vendor,
    name: changes.name ?? vendor.name,
    contacts: changes.contacts ?? vendor.contacts,
    identityRules: changes.identityRules ?? vendor.identityRules,
    revocationPolicy: changes.revocationPolicy ?? vendor.revocationPolicy,
    version: vendor.version + 1,
    updatedAt: now.toISOString(),
  };
}

export function proposeVendorChange(input: {
  id: string;
  vendor: Vendor;
  changes: VendorChangeFields;
  reason: string;
  proposedBy: string;
  now: Date;
}): VendorChange {
  return {
    id: input.id,
    vendorId: input.vendor.id,
    state: 'pending',
    baseVersion: input.vendor.version,
    changes: input.changes,
    reason: input.reason,
    proposedBy: input.proposedBy,
    proposedAt: input.now.toISOString(),
    decidedBy: null,
    decidedAt: null,
  };
}

/** pending -> approved by an admin independent of the proposer, while the vendor is as proposed against. */
export function approveVendorChange(
  change: VendorChange,
  vendor: Vendor,
  approver: string,
  now: Date,
  lineage: ApprovalLineage,
): VendorChangeDecision {
  if (change.state !== 'pending') return notPending('change', change.state, 'approved');
  const refusal = independenceRefusal(change.proposedBy, approver, lineage, 'change');
  if (refusal) return refusal;
  if (vendor.version !== change.baseVersion) {
    return {
      ok: false,
      code: 'INVALID_STATE',
      detail: `the vendor changed since this was proposed (version ${change.baseVersion}, now ${vendor.version}); withdraw it and propose it again`,
    };
  }
  const at = now.toISOString();
  return {
    ok: true,
    change: { ...change, state: 'approved', decidedBy: approver, decidedAt: at },
    vendor: applyVendorChange(vendor, change.changes, now),
  };
}

/** pending -> withdrawn, by any admin (the proposer included): nothing changes on the vendor. */
export function withdrawVendorChange(
  change: VendorChange,
  actor: string,
  now: Date,
): { ok: true; change: VendorChange } | Refusal {
  if (change.state !== 'pending') return notPending('change', change.state, 'withdrawn');
  return {
    ok: true,
    change: { ...change, state: 'withdrawn', decidedBy: actor, decidedAt: now.toISOString() },
  };
}
