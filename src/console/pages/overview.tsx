import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { anchorKind } from '../../trust';
import { AuditEntryCells } from '../anchor-views';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import { Fingerprint, Page, StateBadge, TableHead, Time } from '../layout';
import { EXPIRY_WARNING_DAYS, loadOverview, type Overview } from '../overview-data';
import { paths } from '../paths';
import { PENDING_COLUMNS, PendingAnchorRows, PendingChangeRows } from '../pending-approvals';
import { CaseTable } from './cases';

const Empty: FC<{ text: string }> = ({ text }) => <p class="muted">{text}</p>;

const Counts: FC<{ o: Overview }> = ({ o }) => (
  <ul class="cards" aria-label="At a glance">
    <li>
      <span class="count">{o.openCases.length}</span> open escalation cases
    </li>
    <li>
      <span class="count">{o.pending.anchors.length + o.pending.changes.length}</span> waiting for a second
      admin
    </li>
    <li>
      <span class="count">{o.newCandidates.length}</span> new candidates from feeds
    </li>
    <li>
      <span class="count">{o.feedProblems.length}</span> disabled or failing feeds
    </li>
    <li>
      <span class="count">{o.expiring.length}</span> expiring within {EXPIRY_WARNING_DAYS} days
    </li>
  </ul>
);

const OverviewPage: FC<{ viewer: Viewer; o: Overview }> = ({ viewer, o }) => (
  <Page title="Overview" viewer={viewer} section="/console">
    <Counts o={o} />

    <h2 id="cases">Open escalation cases</h2>
    {o.openCases.length === 0 ? (
      <Empty text="No open case." />
    ) : (
      <CaseTable
        cases={[...o.openCases].sort((a, b) => b.lastSeen.localeCompare(a.lastSeen))}
        caption="Blocked verifications waiting for on-call, newest activity first"
        withOutcome={false}
      />
    )}

    <h2 id="approvals">Waiting for a second admin</h2>
    {o.pending.anchors.length === 0 && o.pending.changes.length === 0 ? (
      <Empty text="Nothing waits for approval." />
    ) : (
      <table>
        <TableHead columns={PENDING_COLUMNS} />
        <tbody>
          <PendingAnchorRows rows={o.pending.anchors} />
          <PendingChangeRows changes={o.pending.changes} />
        </tbody>
      </table>
    )}

    <h2 id="candidates">New candidates from feeds</h2>
    {o.newCandidates.length === 0 ? (
      <Empty text="No candidate waits for review." />
    ) : (
      <table>
        <TableHead columns={['Candidate', 'Vendor', 'From', 'Corroborated']} />
        <tbody>
          {o.newCandidates.map((cand) => (
            <tr>
              <td>
                <a href={paths.candidate(cand.vendorId, cand.key)}>
                  {cand.data.kind === 'certificate'
                    ? cand.data.subject
                    : `${cand.data.algorithm} fingerprint`}
                </a>
              </td>
              <td>{cand.vendorId}</td>
              <td>{cand.data.provenance.itemTitle}</td>
              <td>{cand.data.corroborated ? 'yes' : 'no'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}

    <h2 id="feeds">Disabled or failing feeds</h2>
    {o.feedProblems.length === 0 ? (
      <Empty text="Every feed polls without error." />
    ) : (
      <table>
        <TableHead columns={['Feed', 'Vendor', 'Status', 'Failures in a row', 'Last error']} />
        <tbody>
          {o.feedProblems.map((f) => (
            <tr>
              <td>
                <code>{f.url}</code>
              </td>
              <td>{f.vendorId}</td>
              <td>
                <StateBadge state={f.status === 'active' ? 'failing' : f.status} />
              </td>
              <td>{f.consecutiveFailures}</td>
              <td>{f.disabledReason ?? f.lastError ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}

    <h2 id="expiring">Roots and pinned signers expiring within {EXPIRY_WARNING_DAYS} days</h2>
    {o.expiring.length === 0 ? (
      <Empty text="No active root or pinned signer runs out in that time." />
    ) : (
      <table>
        <TableHead columns={['Subject', 'Vendor', 'Not after', 'SHA-256']} />
        <tbody>
          {o.expiring.map((a) => (
            <tr>
              <td>
                <a href={paths.anchor(a)}>{a.subject}</a>
                {anchorKind(a) === 'signer' ? <span class="muted"> (pinned signer)</span> : null}
              </td>
              <td>{a.vendorId}</td>
              <td>
                <Time at={a.notAfter} />
              </td>
              <td>
                <Fingerprint hex={a.sha256} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}

    <h2 id="audit">Recent audit entries</h2>
    {o.recentAudit.length === 0 ? (
      <Empty text="The audit log is empty." />
    ) : (
      <table>
        <TableHead columns={['When', 'Who', 'Action', 'Target', 'Why']} />
        <tbody>
          {o.recentAudit.map((e) => (
            <tr>
              <AuditEntryCells entry={e} />
              <td>
                {e.targetType} <code>{e.targetId}</code>
              </td>
              <td>{e.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
    <p>
      <a href={paths.audit}>The whole audit log</a>
    </p>
  </Page>
);

export function registerOverview(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  app.get('/', async (c) => c.html(<OverviewPage viewer={c.get('viewer')} o={await loadOverview(deps)} />));
}
