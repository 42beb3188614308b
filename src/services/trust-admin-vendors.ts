import { TrustgateError } from '../errors';
import { auditEntry, type Contact, isVendorId, type Vendor, type VendorRevocationPolicy } from '../trust';
import { vendorChangeRecord, vendorFields, vendorRecord } from '../trust/audit-states';
import type { Principal } from '../trust/tokens';
import {
  applyVendorChange,
  approveVendorChange,
  changedFields,
  needsSecondAdmin,
  proposeVendorChange,
  type VendorChange,
  type VendorChangeFields,
  withdrawVendorChange,
} from '../trust/vendor-changes';
import { toHex } from '../verify';
import type { VersionCheck } from './trust-admin-roots';
import {
  approvalLineage,
  commitAudited,
  decided,
  loadVendor,
  type TrustAdminDeps,
} from './trust-admin-shared';

export interface VendorInput {
  name?: string | undefined;
  contacts?: Contact[] | undefined;
  identityRules?: unknown[] | undefined;
  revocationPolicy?: VendorRevocationPolicy | undefined;
  reason?: string | undefined;
}

/** A PATCH either applied at once, or (contacts, identity rules, a widening policy) proposed to a second admin. */
export type VendorUpdate =
  | { applied: Vendor; proposed?: never }
  | { applied?: never; proposed: VendorChange };

const patchOf = (input: VendorInput): VendorChangeFields => ({
  ...(input.name !== undefined ? { name: input.name } : {}),
  ...(input.contacts !== undefined ? { contacts: input.contacts } : {}),
  ...(input.identityRules !== undefined ? { identityRules: input.identityRules } : {}),
  ...(input.revocationPolicy !== undefined ? { revocationPolicy: input.revocationPolicy } : {}),
});

export function createVendorAdmin(deps: TrustAdminDeps) {
  /** Stores a proposal of `changes` to `vendor` by `actor`, audited. */
  async function storeProposal(
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

  async function loadChange(vendorId: string, changeId: string): Promise<[Vendor, VendorChange]> {
    const vendor = await loadVendor(deps, vendorId);
    const change = await deps.trust.getVendorChange(vendorId, changeId);
    if (!change) throw new TrustgateError('NOT_FOUND', `no change '${changeId}' for vendor '${vendorId}'`);
    return [vendor, change];
  }

  return {
    listVendors: (): Promise<Vendor[]> => deps.trust.listVendors(),

    getVendor: (id: string): Promise<Vendor> => loadVendor(deps, id),

    /**
     * A new vendor. Its revocation policy applies at once (best-effort is the default, so no widening);
     * contacts and identity rules take two admins from the start too: the vendor is created without them and
     * they are proposed, so that one admin cannot set them for roots that become active later.
     */
    async createVendor(
      actor: Principal,
      input: VendorInput & { id: string; name: string },
    ): Promise<{ vendor: Vendor; pendingChange: VendorChange | undefined }> {
      if (!isVendorId(input.id)) {
        throw new TrustgateError('INVALID_FIELD', 'id must match [a-z0-9][a-z0-9._-]{0,63}');
      }
      if (await deps.trust.getVendor(input.id)) {
        throw new TrustgateError('VENDOR_EXISTS', `vendor '${input.id}' exists`);
      }
      const at = deps.now().toISOString();
      const vendor: Vendor = {
        id: input.id,
        name: input.name,
        contacts: [],
        identityRules: [],
        revocationPolicy: input.revocationPolicy ?? 'best-effort',
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      const proposed = changedFields(
        vendor,
        patchOf({ contacts: input.contacts, identityRules: input.identityRules }),
      );
      const needsApproval = needsSecondAdmin(proposed);
      if (needsApproval && !input.reason) {
        throw new TrustgateError(
          'INVALID_FIELD',
          'reason is required with contacts or identity rules (they are proposed for a second admin to approve)',
        );
      }
      try {
        await deps.trust.insertVendorAudited(
          vendor,
          auditEntry(
            'vendor.create',
            { type: 'vendor', id: vendor.id, vendorId: vendor.id },
            { actor: actor.name, at, reason: input.reason ?? null },
            { before: null, after: vendorRecord(vendor) },
          ),
        );
      } catch (error) {
        // A concurrent create of the same id lost the race on the primary key.
        if (await deps.trust.getVendor(vendor.id))
          throw new TrustgateError('VENDOR_EXISTS', `vendor '${vendor.id}' exists`);
        throw error;
      }
      const pendingChange = needsApproval
        ? await storeProposal(actor, vendor, proposed, input.reason)
        : undefined;
      return { vendor, pendingChange };
    },

    /**
     * A name change, or the revocation policy moved to `require`, applies at once; contacts, identity rules
     * or a policy back to `best-effort` are proposed (with the rest of the patch) for a second admin.
     */
    async updateVendor(
      actor: Principal,
      id: string,
      input: VendorInput,
      check: VersionCheck,
    ): Promise<VendorUpdate> {
      const current = await loadVendor(deps, id);
      check(current.version);
      const changes = changedFields(current, patchOf(input));
      if (needsSecondAdmin(changes)) {
        return { proposed: await storeProposal(actor, current, changes, input.reason) };
      }
      const next = applyVendorChange(current, changes, deps.now());
      await commitAudited(
        (entry) => deps.trust.updateVendorAudited(next, current.version, entry),
        {
          action: 'vendor.update',
          target: { type: 'vendor', id: current.id, vendorId: current.id },
          actor: actor.name,
          at: next.updatedAt,
          reason: input.reason ?? null,
          before: vendorFields(current),
          after: vendorFields(next),
        },
        { code: 'PRECONDITION_FAILED', detail: 'the vendor changed while this request ran; read it again' },
      );
      return { applied: next };
    },

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
