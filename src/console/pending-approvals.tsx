import type { FC } from 'hono/jsx';
import type { Anchor } from '../trust';
import type { VendorChange } from '../trust/vendor-changes';
import { kindLabel, proposalOf } from './anchor-views';
import type { ConsoleDeps } from './deps';
import { Time } from './layout';
import { paths } from './paths';

/** A pending root or pinned signer with who proposed it, when and why (from the audit log). */
export interface PendingAnchorRow {
  anchor: Anchor;
  proposedBy: string | null;
  proposedAt: string;
  reason: string | null;
}

export interface PendingApprovals {
  anchors: PendingAnchorRow[];
  changes: VendorChange[];
}

/** Everything that waits for a second admin: pending roots and signers of every vendor, pending changes. */
export async function loadPendingApprovals(deps: ConsoleDeps): Promise<PendingApprovals> {
  const { trustAdmin } = deps;
  const anchors: PendingAnchorRow[] = [];
  const changes: VendorChange[] = [];
  for (const vendor of await trustAdmin.listVendors()) {
    const pending = [
      ...(await trustAdmin.listRoots(vendor.id)),
      ...(await trustAdmin.listSigners(vendor.id)),
    ].filter((a) => a.state === 'pending');
    for (const anchor of pending) {
      const history = await trustAdmin.listAudit({
        vendorId: vendor.id,
        targetId: anchor.sha256,
        limit: 1000,
      });
      anchors.push({ anchor, ...proposalOf(anchor, history) });
    }
    changes.push(...(await trustAdmin.listVendorChanges(vendor.id)).filter((ch) => ch.state === 'pending'));
  }
  anchors.sort((a, b) => a.proposedAt.localeCompare(b.proposedAt));
  changes.sort((a, b) => a.proposedAt.localeCompare(b.proposedAt));
  return { anchors, changes };
}

/** Table rows (What, Vendor, Proposed by, When, Why) of pending anchors, each linking to its approval. */
export const PendingAnchorRows: FC<{ rows: PendingAnchorRow[] }> = ({ rows }) => (
  <>
    {rows.map((p) => (
      <tr>
        <td>
          <a href={paths.anchorApproval(p.anchor)}>
            {kindLabel(p.anchor)}: {p.anchor.subject}
          </a>
        </td>
        <td>{p.anchor.vendorId}</td>
        <td>{p.proposedBy ?? 'unknown'}</td>
        <td>
          <Time at={p.proposedAt} />
        </td>
        <td>{p.reason ?? ''}</td>
      </tr>
    ))}
  </>
);

/** Table rows (What, Vendor, Proposed by, When, Why) of pending vendor changes, each linking to its approval. */
export const PendingChangeRows: FC<{ changes: VendorChange[] }> = ({ changes }) => (
  <>
    {changes.map((ch) => (
      <tr>
        <td>
          <a href={paths.changeApproval(ch.vendorId, ch.id)}>
            Vendor change: {Object.keys(ch.changes).join(', ')}
          </a>
        </td>
        <td>{ch.vendorId}</td>
        <td>{ch.proposedBy}</td>
        <td>
          <Time at={ch.proposedAt} />
        </td>
        <td>{ch.reason}</td>
      </tr>
    ))}
  </>
);

export const PENDING_COLUMNS = ['What', 'Vendor', 'Proposed by', 'When', 'Why'] as const;
