import type { Anchor, Vendor } from './model';
import type { VendorChange } from './vendor-changes';

/**
 * What the audit log records of a vendor, a root or a vendor change before and after an admin's act. The
 * log is read back through GET /audit, so these shapes are part of the public contract: they match the
 * wire views field for field.
 */

export const vendorRecord = (vendor: Vendor) => ({
  id: vendor.id,
  name: vendor.name,
  contacts: vendor.contacts,
  identityRules: vendor.identityRules,
  revocationPolicy: vendor.revocationPolicy,
  version: vendor.version,
  createdAt: vendor.createdAt,
  updatedAt: vendor.updatedAt,
});

/** The fields of a vendor that changes touch. */
export const vendorFields = (vendor: Vendor) => ({
  name: vendor.name,
  contacts: vendor.contacts,
  identityRules: vendor.identityRules,
  revocationPolicy: vendor.revocationPolicy,
});

export const anchorState = (anchor: Anchor) => ({
  state: anchor.state,
  distrustAfter: anchor.distrustAfter,
  keyCompromise: anchor.keyCompromise,
});

export const vendorChangeRecord = (change: VendorChange) => ({
  id: change.id,
  vendor: change.vendorId,
  state: change.state,
  baseVersion: change.baseVersion,
  changes: change.changes,
  reason: change.reason,
  proposedBy: change.proposedBy,
  proposedAt: change.proposedAt,
  decidedBy: change.decidedBy,
  decidedAt: change.decidedAt,
});
