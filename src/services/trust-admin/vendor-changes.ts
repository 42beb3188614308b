import { toHex } from '../../encoding';
import { TrustgateError } from '../../errors';
import { auditEntry, type Vendor } from '../../trust';
import { vendorChangeRecord, vendorFields } from '../../trust/audit-states';
import type { Principal } from '../../trust/tokens';
import {
  approveVendorChange,
  proposeVendorChange,
  type VendorChange,
  type VendorChangeFields,
  withdrawVendorChange,
} from '../../trust/vendor-changes';
import { approvalLineage, commitAudited, decided, loadVendor, type TrustAdminDeps } from './shared';

/**
 * Changes to a vendor's contacts, identity rules or (back to best-effort) revocation policy take two admins
 * (trust/vendor-changes.ts): proposed by a create or update, then approved by a second admin or withdrawn.
 */

/** Stores a proposal of `changes` to `vendor` by `actor`, audited. */
export async function storeProposal(
  deps: TrustAdminDeps,
  actor: Principal,
  vendor: Vendor,
  changes: VendorChangeFields,
  reason: string | undefined,
): Promise<VendorChange> {
  if (!reason) {
    throw new TrustgateError(
      'INVALID_FIELD',
      'reason is required to propose a change of contacts, identity rules or the revocation policy back to best-effort (a second admin approves it)',
    );
  }
  const change = proposeVendorChange({
    id: `chg_${toHex(deps.random(new Uint8Array(12)))}`,
    vendor,
    changes,
    reason,
    proposedBy: actor.name,
    now: deps.now(),
  });
  await deps.trust.insertVendorChangeAudited(
    change,
    auditEntry(
      'vendor.change.propose',
      { type: 'vendor_change', id: change.id, vendorId: vendor.id },
      { actor: actor.name, at: change.proposedAt, reason },
      { before: null, after: vendorChangeRecord(change) },
    ),
  );
  return change;
}

export function createVendorChangeAdmin(deps: TrustAdminDeps) {
  async function loadChange(vendorId: string, changeId: string): Promise<[Vendor, VendorChange]> {
    const vendor = await loadVendor(deps, vendorId);
    const change = await deps.trust.getVendorChange(vendorId, changeId);
    if (!change) throw new TrustgateError('NOT_FOUND', `no change '${changeId}' for vendor '${vendorId}'`);
    return [vendor, change];
  }

  return {
    /** Proposed changes to a vendor, newest first. */
    async listVendorChanges(vendorId: string): Promise<VendorChange[]> {
      await loadVendor(deps, vendorId);
      return deps.trust.listVendorChanges(vendorId);
    },

    /** One proposed change, with the vendor as it is now. */
    async getVendorChange(vendorId: string, changeId: string) {
      const [vendor, change] = await loadChange(vendorId, changeId);
      return { vendor, change };
    },

    /** Applies a pending change, by an admin independent of the proposer, while the vendor is still as proposed against. */
    async approveVendorChange(actor: Principal, vendorId: string, changeId: string, reason: string) {
      const [vendor, change] = await loadChange(vendorId, changeId);
      const decision = decided(
        approveVendorChange(
          change,
          vendor,
          actor.name,
          deps.now(),
          await approvalLineage(deps, change.proposedBy, actor.name),
        ),
      );
      await commitAudited(
        (entry) => deps.trust.approveVendorChangeAudited(decision.change, decision.vendor, entry),
        {
          action: 'vendor.change.approve',
          target: { type: 'vendor', id: vendorId, vendorId },
          actor: actor.name,
          at: decision.vendor.updatedAt,
          reason,
          before: vendorFields(vendor),
          after: { ...vendorFields(decision.vendor), change: change.id, proposedBy: change.proposedBy },
        },
        {
          code: 'INVALID_STATE',
          detail: 'the vendor or the change moved on while this request ran; read them again',
        },
      );
      return { vendor: decision.vendor, change: decision.change };
    },

    /** Withdraws a pending change (the proposer included); the vendor stays as it is. */
    async withdrawVendorChange(
      actor: Principal,
      vendorId: string,
      changeId: string,
      reason: string,
    ): Promise<VendorChange> {
      const [, change] = await loadChange(vendorId, changeId);
      const decision = decided(withdrawVendorChange(change, actor.name, deps.now()));
      await commitAudited(
        (entry) => deps.trust.withdrawVendorChangeAudited(decision.change, entry),
        {
          action: 'vendor.change.withdraw',
          target: { type: 'vendor_change', id: change.id, vendorId },
          actor: actor.name,
          at: decision.change.decidedAt ?? deps.now().toISOString(),
          reason,
          before: { state: change.state },
          after: { state: decision.change.state },
        },
        { code: 'INVALID_STATE', detail: 'the change is no longer pending; read it again' },
      );
      return decision.change;
    },
  };
}
