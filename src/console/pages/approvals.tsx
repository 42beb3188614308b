import type { Hono } from 'hono';
import type { Child, FC } from 'hono/jsx';
import { type Anchor, type AuditRecord, anchorKind, type Contact, type Vendor } from '../../trust';
import type { VendorChange, VendorChangeFields } from '../../trust/vendor-changes';
import {
  AnchorFacts,
  ContactList,
  DoneNotice,
  HistoryTable,
  jsonText,
  kindLabel,
  proposalOf,
} from '../anchor-views';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import { canWrite, done, type FormBody, formVersionCheck, requireReason, requireWrite } from '../forms';
import { CsrfField, Notice, Page, StateBadge, TableHead, Time } from '../layout';
import { paths } from '../paths';
import {
  loadPendingApprovals,
  PENDING_COLUMNS,
  type PendingAnchorRow,
  PendingAnchorRows,
  PendingChangeRows,
} from '../pending-approvals';
import { anchorOps, anchorRef } from './anchors';

const ApprovalsPage: FC<{ viewer: Viewer; anchors: PendingAnchorRow[]; changes: VendorChange[] }> = ({
  viewer,
  anchors,
  changes,
}) => (
  <Page title="Waiting for a second admin" viewer={viewer} section="/console/approvals">
    <h2>Roots and pinned signers</h2>
    {anchors.length === 0 ? (
      <p class="muted">No root or pinned signer waits for approval.</p>
    ) : (
      <table>
        <TableHead columns={PENDING_COLUMNS} />
        <tbody>
          <PendingAnchorRows rows={anchors} />
        </tbody>
      </table>
    )}
    <h2>Vendor changes</h2>
    {changes.length === 0 ? (
      <p class="muted">No vendor change waits for approval.</p>
    ) : (
      <table>
        <TableHead columns={PENDING_COLUMNS} />
        <tbody>
          <PendingChangeRows changes={changes} />
        </tbody>
      </table>
    )}
  </Page>
);

/** Who proposed it, when and why; and the notice for the proposer looking at their own proposal. */
const Proposal: FC<{ viewer: Viewer; by: string | null; at: string; reason: string | null }> = ({
  viewer,
  by,
  at,
  reason,
}) => (
  <>
    {by !== null && by === viewer.principal.name ? (
      <Notice kind="warn">You proposed this; another admin must approve it.</Notice>
    ) : null}
    <dl class="facts">
      <dt>Proposed by</dt>
      <dd>{by ?? 'unknown'}</dd>
      <dt>When</dt>
      <dd>
        <Time at={at} />
      </dd>
      <dt>Why</dt>
      <dd>{reason ?? <span class="muted">no reason recorded</span>}</dd>
    </dl>
  </>
);

/** A table of what changes: one row per field, its value before and after. */
const BeforeAfter: FC<{ rows: Array<{ what: string; before: Child; after: Child }> }> = ({ rows }) => (
  <table>
    <caption class="muted">What the approval changes</caption>
    <TableHead columns={['Field', 'Before', 'After']} />
    <tbody>
      {rows.map((r) => (
        <tr>
          <th scope="row">{r.what}</th>
          <td>{r.before}</td>
          <td>{r.after}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

const ApproveForm: FC<{ viewer: Viewer; action: string; version: number; what: string }> = ({
  viewer,
  action,
  version,
  what,
}) => (
  <form method="post" action={action} class="stack">
    <CsrfField viewer={viewer} />
    <input type="hidden" name="version" value={String(version)} />
    <div>
      <label for="approve-reason">Reason for approving (kept in the audit log)</label>
      <textarea id="approve-reason" name="reason" rows={2} required maxlength={2000} />
    </div>
    <div>
      <button type="submit">Approve {what}</button>
    </div>
  </form>
);

const AnchorApprovalPage: FC<{
  viewer: Viewer;
  anchor: Anchor;
  sha1: string;
  history: AuditRecord[];
  now: Date;
}> = ({ viewer, anchor, sha1, history, now }) => {
  const proposal = proposalOf(anchor, history);
  const signer = anchorKind(anchor) === 'signer';
  const what = signer ? 'this pinned signer' : 'this root';
  return (
    <Page
      title={`Approve ${kindLabel(anchor).toLowerCase()} ${anchor.subject}`}
      viewer={viewer}
      section="/console/approvals"
    >
      {anchor.state !== 'pending' ? (
        <Notice kind="info">
          It is no longer pending: it is <StateBadge state={anchor.state} />. Nothing waits for approval here.
        </Notice>
      ) : null}
      <Proposal viewer={viewer} by={proposal.proposedBy} at={proposal.proposedAt} reason={proposal.reason} />

      <h2>What changes</h2>
      {anchor.state !== 'pending' ? (
        <p class="muted">Nothing any more: it was decided.</p>
      ) : (
        <BeforeAfter
          rows={[
            {
              what: 'State',
              before: <StateBadge state="pending" />,
              after: <StateBadge state="active" />,
            },
            {
              what: 'Effect',
              before: 'anchors nothing',
              after: signer
                ? `vouches for signatures made by this very certificate for ${anchor.vendorId}`
                : `anchors ${anchor.vendorId}'s chains: signatures whose chain ends at it are trusted`,
            },
            { what: 'Approved by', before: '—', after: viewer.principal.name },
          ]}
        />
      )}

      <h2>The certificate</h2>
      <AnchorFacts anchor={anchor} sha1={sha1} now={now} />

      {anchor.state === 'pending' ? (
        <>
          <h2>Approve</h2>
          {canWrite(viewer) ? (
            <ApproveForm
              viewer={viewer}
              action={`${paths.anchorApproval(anchor)}/approve`}
              version={anchor.version}
              what={what}
            />
          ) : (
            <p class="muted">Only an admin can approve it.</p>
          )}
        </>
      ) : null}

      <h2>History</h2>
      <HistoryTable history={history} />
    </Page>
  );
};

const FIELD_LABELS: Record<keyof VendorChangeFields, string> = {
  name: 'Name',
  contacts: 'Contacts',
  identityRules: 'Signer identity rules',
  revocationPolicy: 'Revocation policy',
};

function fieldValue(key: keyof VendorChangeFields, value: unknown): Child {
  if (key === 'contacts') return <ContactList contacts={(value ?? []) as Contact[]} />;
  if (key === 'identityRules') return <code>{jsonText(value)}</code>;
  return String(value ?? '—');
}

const ChangeApprovalPage: FC<{
  viewer: Viewer;
  vendor: Vendor;
  change: VendorChange;
  done: string | undefined;
}> = ({ viewer, vendor, change, done: word }) => {
  const keys = Object.keys(change.changes) as Array<keyof VendorChangeFields>;
  const pending = change.state === 'pending';
  return (
    <Page title={`Vendor change for ${vendor.name}`} viewer={viewer} section="/console/approvals">
      <DoneNotice word={word} />
      {!pending ? (
        <Notice kind="info">
          This change is <StateBadge state={change.state} />
          {change.decidedBy ? ` by ${change.decidedBy}` : ''}. Nothing waits for approval here.
        </Notice>
      ) : null}
      {pending && vendor.version !== change.baseVersion ? (
        <Notice kind="warn">
          The vendor changed since this was proposed (version {change.baseVersion}, now {vendor.version}): it
          cannot be approved; withdraw it and propose it again.
        </Notice>
      ) : null}
      <Proposal viewer={viewer} by={change.proposedBy} at={change.proposedAt} reason={change.reason} />
      <p>
        Vendor <a href={paths.vendor(vendor.id)}>{vendor.id}</a>, version {vendor.version}; change{' '}
        <code>{change.id}</code>.
      </p>

      <h2>What changes</h2>
      <BeforeAfter
        rows={keys.map((key) => ({
          what: FIELD_LABELS[key] ?? key,
          before: fieldValue(key, vendor[key]),
          after: fieldValue(key, change.changes[key]),
        }))}
      />

      {pending && canWrite(viewer) ? (
        <>
          <h2>Approve</h2>
          <ApproveForm
            viewer={viewer}
            action={`${paths.changeApproval(vendor.id, change.id)}/approve`}
            version={vendor.version}
            what="this change"
          />
          <h2>Withdraw</h2>
          <form method="post" action={`${paths.changeApproval(vendor.id, change.id)}/withdraw`} class="stack">
            <CsrfField viewer={viewer} />
            <div>
              <label for="withdraw-reason">Reason for withdrawing (kept in the audit log)</label>
              <textarea id="withdraw-reason" name="reason" rows={2} required maxlength={2000} />
            </div>
            <div>
              <button type="submit" class="secondary">
                Withdraw this change
              </button>
            </div>
          </form>
        </>
      ) : pending ? (
        <p class="muted">Only an admin can approve or withdraw it.</p>
      ) : null}
    </Page>
  );
};

export function registerApprovals(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { trustAdmin } = deps;

  app.get('/approvals', async (c) => {
    const { anchors, changes } = await loadPendingApprovals(deps);
    return c.html(<ApprovalsPage viewer={c.get('viewer')} anchors={anchors} changes={changes} />);
  });

  app.get('/approvals/:vendor/:kind{roots|signers}/:sha256', async (c) => {
    const { kind, ref } = anchorRef(c);
    const { anchor, sha1, history } = await anchorOps(deps, kind).get(ref);
    return c.html(
      <AnchorApprovalPage
        viewer={c.get('viewer')}
        anchor={anchor}
        sha1={sha1}
        history={history}
        now={deps.now()}
      />,
    );
  });

  app.post('/approvals/:vendor/:kind{roots|signers}/:sha256/approve', async (c) => {
    const viewer = c.get('viewer');
    requireWrite(viewer);
    const { kind, ref } = anchorRef(c);
    const form = (await c.req.parseBody()) as FormBody;
    // The same use case as POST /roots/{sha256}/approve: the version the page showed stands for If-Match,
    // and the service refuses the proposer (SELF_APPROVAL_FORBIDDEN), whatever the page showed.
    const next = await anchorOps(deps, kind).approve(
      viewer.principal,
      ref,
      { reason: requireReason(form) },
      formVersionCheck(form),
    );
    return c.redirect(done(paths.anchor(next), 'approved'), 303);
  });

  app.get('/approvals/:vendor/changes/:changeId', async (c) => {
    const { vendor, change } = await trustAdmin.getVendorChange(
      c.req.param('vendor'),
      c.req.param('changeId'),
    );
    return c.html(
      <ChangeApprovalPage
        viewer={c.get('viewer')}
        vendor={vendor}
        change={change}
        done={c.req.query('done')}
      />,
    );
  });

  app.post('/approvals/:vendor/changes/:changeId/approve', async (c) => {
    const viewer = c.get('viewer');
    requireWrite(viewer);
    const form = (await c.req.parseBody()) as FormBody;
    const reason = requireReason(form);
    const vendorId = c.req.param('vendor');
    const changeId = c.req.param('changeId');
    // The vendor as the page showed it: a page read before the vendor moved on is refused as stale.
    const { vendor } = await trustAdmin.getVendorChange(vendorId, changeId);
    formVersionCheck(form)(vendor.version);
    await trustAdmin.approveVendorChange(viewer.principal, vendorId, changeId, reason);
    return c.redirect(done(paths.vendor(vendorId), 'change-approved'), 303);
  });

  app.post('/approvals/:vendor/changes/:changeId/withdraw', async (c) => {
    const viewer = c.get('viewer');
    requireWrite(viewer);
    const form = (await c.req.parseBody()) as FormBody;
    const vendorId = c.req.param('vendor');
    const changeId = c.req.param('changeId');
    await trustAdmin.withdrawVendorChange(viewer.principal, vendorId, changeId, requireReason(form));
    return c.redirect(done(paths.changeApproval(vendorId, changeId), 'withdrawn'), 303);
  });
}
