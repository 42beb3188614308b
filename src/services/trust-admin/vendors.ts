import { TrustgateError } from '../../errors';
import { auditEntry, type Contact, isVendorId, type Vendor, type VendorRevocationPolicy } from '../../trust';
import { vendorFields, vendorRecord } from '../../trust/audit-states';
import type { Principal } from '../../trust/tokens';
import {
  applyVendorChange,
  changedFields,
  needsSecondAdmin,
  type VendorChange,
  type VendorChangeFields,
} from '../../trust/vendor-changes';
import { commitAudited, loadVendor, type TrustAdminDeps, type VersionCheck } from './shared';
import { storeProposal } from './vendor-changes';

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
        ? await storeProposal(deps, actor, vendor, proposed, input.reason)
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
        return { proposed: await storeProposal(deps, actor, current, changes, input.reason) };
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
  };
}
