import type { FC } from 'hono/jsx';
import { type Anchor, type AuditRecord, anchorKind, type Contact } from '../trust';
import type { CertificateFacts, PreviewProblem } from './certificate-preview';
import { Fingerprint, Notice, StateBadge, TableHead, Time } from './layout';
import { paths } from './paths';

/** "Root" or "Pinned signer". */
export const kindLabel = (anchor: Pick<Anchor, 'kind'>): string =>
  anchorKind(anchor) === 'signer' ? 'Pinned signer' : 'Root';

/** The notices a successful post redirects to (`?done=<word>`). */
const DONE: Record<string, string> = {
  proposed: 'Proposed. It anchors nothing until another admin approves it.',
  approved: 'Approved: it is active now.',
  distrusted: 'Distrusted.',
  retired: 'Retired: it anchors nothing from now on.',
  withdrawn: 'The change was withdrawn; the vendor stays as it was.',
  'change-approved': 'The change was approved and applied to the vendor.',
};

export const DoneNotice: FC<{ word: string | undefined }> = ({ word }) =>
  word && Object.hasOwn(DONE, word) ? <Notice kind="ok">{DONE[word]}</Notice> : null;

/** notBefore to notAfter, with "expired" or "not yet valid" marked against `now`. */
export const Validity: FC<{ notBefore: string; notAfter: string; now: Date }> = ({
  notBefore,
  notAfter,
  now,
}) => (
  <>
    <Time at={notBefore} /> to <Time at={notAfter} />
    {Date.parse(notAfter) <= now.getTime() ? (
      <>
        {' '}
        <StateBadge state="expired" />
      </>
    ) : Date.parse(notBefore) > now.getTime() ? (
      <>
        {' '}
        <StateBadge state="not-yet-valid" />
      </>
    ) : null}
  </>
);

/** A vendor's anchors of one kind in every state, each linked to its page. */
export const AnchorTable: FC<{ anchors: Anchor[]; now: Date; caption: string }> = ({
  anchors,
  now,
  caption,
}) => (
  <table>
    <caption class="muted">{caption}</caption>
    <TableHead columns={['Subject', 'State', 'Validity', 'Fingerprints']} />
    <tbody>
      {anchors.map((a) => (
        <tr>
          <td>
            <a href={paths.anchor(a)}>{a.subject}</a>
          </td>
          <td>
            <StateBadge state={a.state} />
            {a.keyCompromise ? <span class="muted"> key compromise</span> : null}
          </td>
          <td>
            <Validity notBefore={a.notBefore} notAfter={a.notAfter} now={now} />
          </td>
          <td>
            <span class="muted">SHA-256</span> <Fingerprint hex={a.sha256} />
            <br />
            <span class="muted">SPKI SHA-256</span> <Fingerprint hex={a.spkiSha256} />
          </td>
        </tr>
      ))}
    </tbody>
  </table>
);

/** A before/after value of the audit log, as compact JSON text (escaped by JSX). */
export const jsonText = (value: unknown): string =>
  value === null || value === undefined ? '—' : JSON.stringify(value);

/** An anchor's history from the audit log, oldest first. */
export const HistoryTable: FC<{ history: AuditRecord[] }> = ({ history }) =>
  history.length === 0 ? (
    <p class="muted">No audit entry names it.</p>
  ) : (
    <table>
      <TableHead columns={['When', 'Who', 'Action', 'Why', 'Before → after']} />
      <tbody>
        {history.map((e) => (
          <tr>
            <AuditEntryCells entry={e} />
            <td>{e.reason ?? ''}</td>
            <td>
              <code>{jsonText(e.before)}</code> → <code>{jsonText(e.after)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );

/** The certificate facts of a stored anchor: subject, validity and the three fingerprints. */
export const AnchorFacts: FC<{ anchor: Anchor; sha1: string; now: Date }> = ({ anchor, sha1, now }) => (
  <dl class="facts">
    <dt>Subject</dt>
    <dd>{anchor.subject}</dd>
    <dt>Vendor</dt>
    <dd>
      <a href={paths.vendor(anchor.vendorId)}>{anchor.vendorId}</a>
    </dd>
    <dt>Kind</dt>
    <dd>{kindLabel(anchor)}</dd>
    <dt>State</dt>
    <dd>
      <StateBadge state={anchor.state} />
    </dd>
    <dt>Validity</dt>
    <dd>
      <Validity notBefore={anchor.notBefore} notAfter={anchor.notAfter} now={now} />
    </dd>
    <dt>SHA-256</dt>
    <dd>
      <Fingerprint hex={anchor.sha256} />
    </dd>
    <dt>SPKI SHA-256</dt>
    <dd>
      <Fingerprint hex={anchor.spkiSha256} />
    </dd>
    <dt>SHA-1</dt>
    <dd>
      <Fingerprint hex={sha1} /> <span class="muted">(to read to a vendor; never matched on)</span>
    </dd>
    <dt>Distrusted after</dt>
    <dd>{anchor.distrustAfter ? <Time at={anchor.distrustAfter} /> : <span class="muted">—</span>}</dd>
    <dt>Key compromise</dt>
    <dd>{anchor.keyCompromise ? 'yes: no signature under it is trusted' : 'no'}</dd>
    <dt>Source</dt>
    <dd>{anchor.source}</dd>
    <dt>Proposed by</dt>
    <dd>{anchor.proposedBy ?? <span class="muted">—</span>}</dd>
    <dt>Approved by</dt>
    <dd>{anchor.approvedBy ?? <span class="muted">—</span>}</dd>
    <dt>Version</dt>
    <dd>{anchor.version}</dd>
  </dl>
);

/** A decoded certificate not stored yet (the proposal preview). */
export const PreviewFacts: FC<{ facts: CertificateFacts }> = ({ facts }) => (
  <dl class="facts">
    <dt>Subject</dt>
    <dd>{facts.subject}</dd>
    <dt>Issuer</dt>
    <dd>
      {facts.issuer}
      {facts.selfIssued ? <span class="muted"> (self-issued)</span> : null}
    </dd>
    <dt>Serial</dt>
    <dd>
      <code>{facts.serial}</code>
    </dd>
    <dt>Key</dt>
    <dd>{facts.key}</dd>
    <dt>CA</dt>
    <dd>{facts.ca ? 'yes (basicConstraints cA)' : 'no'}</dd>
    <dt>Validity</dt>
    <dd>
      <Time at={facts.notBefore} /> to <Time at={facts.notAfter} />
      {facts.expired ? (
        <>
          {' '}
          <StateBadge state="expired" />
        </>
      ) : null}
      {facts.notYetValid ? (
        <>
          {' '}
          <StateBadge state="not-yet-valid" />
        </>
      ) : null}
    </dd>
    <dt>SHA-256</dt>
    <dd>
      <Fingerprint hex={facts.sha256} />
    </dd>
    <dt>SPKI SHA-256</dt>
    <dd>
      <Fingerprint hex={facts.spkiSha256} />
    </dd>
    <dt>SHA-1</dt>
    <dd>
      <Fingerprint hex={facts.sha1} />
    </dd>
  </dl>
);

export const ProblemList: FC<{ problems: PreviewProblem[] }> = ({ problems }) => (
  <ul>
    {problems.map((p) => (
      <li>
        <strong>
          <code>{p.code}</code>
        </strong>
        : {p.detail}
      </li>
    ))}
  </ul>
);

export const ContactList: FC<{ contacts: Contact[] }> = ({ contacts }) =>
  contacts.length === 0 ? (
    <p class="muted">No contact on file.</p>
  ) : (
    <ul>
      {contacts.map((c) => (
        <li>
          {c.name} <span class="muted">({c.channel})</span>: <code>{c.value}</code>
        </li>
      ))}
    </ul>
  );

/** Who proposed a pending anchor, when and why: the `*.propose` entry of its history. */
export function proposalOf(
  anchor: Anchor,
  history: AuditRecord[],
): { proposedBy: string | null; proposedAt: string; reason: string | null } {
  const entry = [...history].reverse().find((h) => h.action.endsWith('.propose'));
  return {
    proposedBy: anchor.proposedBy ?? entry?.actor ?? null,
    proposedAt: entry?.at ?? anchor.createdAt,
    reason: entry?.reason ?? null,
  };
}

/** The first cells of an audit entry's row: when, who, and the action. */
export const AuditEntryCells: FC<{ entry: Pick<AuditRecord, 'at' | 'actor' | 'action'> }> = ({ entry }) => (
  <>
    <td>
      <Time at={entry.at} />
    </td>
    <td>{entry.actor}</td>
    <td>
      <code class="action">{entry.action}</code>
    </td>
  </>
);
