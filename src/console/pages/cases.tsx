import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { TrustgateError } from '../../errors';
import { CASE_STATES, type CaseState, type EscalationCase, MAX_NOTE_LENGTH } from '../../escalation';
import { ROLES } from '../../http/auth';
import type { TokenRole } from '../../trust';
import { roleAllows } from '../../trust/tokens';
import { type CaseDetail, loadCase, proposable } from '../case-data';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import {
  CsrfField,
  colonHex,
  Fingerprint,
  Notice,
  Page,
  StateBadge,
  spokenGroups,
  TableHead,
  Time,
} from '../layout';
import { paths } from '../paths';

/** Who may tick steps and resolve cases: the roles of the API's escalation routes (src/http/escalations.ts). */
const ON_CALL: readonly TokenRole[] = ['admin', 'oncall'];
const LIST_LIMIT = 200;
const MAX_REASON_LENGTH = 2000;

const DONE_MESSAGES = {
  step: 'The step was recorded.',
  resolved: 'The case is resolved.',
  proposed: 'The candidate was proposed as a root; a second admin must approve it.',
} as const;

const requireRole = (viewer: Viewer, roles: readonly TokenRole[], what: string) => {
  if (!roleAllows(viewer.principal.role, roles)) {
    throw new TrustgateError(
      'FORBIDDEN',
      `a ${viewer.principal.role} may not ${what}; it needs the role ${roles.join(' or ')}`,
    );
  }
};

function escalationsOf(deps: ConsoleDeps) {
  if (!deps.escalations) throw new TrustgateError('NOT_FOUND', 'this deployment keeps no escalation cases');
  return deps.escalations;
}

function caseId(raw: string): string {
  if (raw.length < 1 || raw.length > 100)
    throw new TrustgateError('INVALID_FIELD', 'id: 1 to 100 characters');
  return raw;
}

/** An optional text field of at most `max` characters (the API's limits), trimmed. */
function textField(form: Record<string, unknown>, name: string, max: number): string | undefined {
  const value = form[name];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new TrustgateError('INVALID_FIELD', `${name}: expected text`);
  if (value.length > max) throw new TrustgateError('INVALID_FIELD', `${name}: at most ${max} characters`);
  return value;
}

// ---------------------------------------------------------------------------------------------------------
// The list

/** Cases as rows, newest activity first as given: id and kind, vendor, unreached root, counts and times. */
export const CaseTable: FC<{ cases: EscalationCase[]; caption: string; withOutcome: boolean }> = ({
  cases,
  caption,
  withOutcome,
}) => (
  <table>
    <caption class="muted">{caption}</caption>
    <TableHead
      columns={[
        'Case',
        'Vendor',
        'Unreached root',
        'Blocked',
        'First seen',
        'Last seen',
        ...(withOutcome ? ['Outcome'] : []),
      ]}
    />
    <tbody>
      {cases.map((c) => (
        <tr>
          <td>
            <a href={paths.case(c.id)}>{c.id}</a> <span class="muted">{c.kind}</span>
          </td>
          <td>{c.vendorId}</td>
          <td>{c.top.subject}</td>
          <td>{c.verificationsBlocked}</td>
          <td>
            <Time at={c.firstSeen} />
          </td>
          <td>
            <Time at={c.lastSeen} />
          </td>
          {withOutcome ? <td>{c.resolution ? <StateBadge state={c.resolution.outcome} /> : null}</td> : null}
        </tr>
      ))}
    </tbody>
  </table>
);

const CasesPage: FC<{ viewer: Viewer; state: CaseState; cases: EscalationCase[] }> = ({
  viewer,
  state,
  cases,
}) => (
  <Page title="Escalation cases" viewer={viewer} section="/console/cases">
    <nav aria-label="Case state">
      <ul class="tabs">
        {CASE_STATES.map((s) => (
          <li>
            <a href={`${paths.cases}?state=${s}`} aria-current={s === state ? 'page' : undefined}>
              {s === 'open' ? 'Open' : 'Resolved'}
            </a>
          </li>
        ))}
      </ul>
    </nav>
    <h2>{state === 'open' ? 'Open cases' : 'Resolved cases'}</h2>
    {cases.length === 0 ? (
      <p class="muted">{state === 'open' ? 'No open case.' : 'No resolved case.'}</p>
    ) : (
      <CaseTable cases={cases} caption="Newest activity first" withOutcome={state === 'resolved'} />
    )}
  </Page>
);

// ---------------------------------------------------------------------------------------------------------
// One case

/** A fingerprint as read over the phone: groups of four hex digits, and the colon form for the eye. */
const ReadAloud: FC<{ label: string; hex: string }> = ({ label, hex }) => (
  <>
    <dt>{label}</dt>
    <dd>
      <p class="read-aloud fingerprint">{spokenGroups(hex).join(' ')}</p>
      <p>
        <span class="muted">Colon form: </span>
        <Fingerprint hex={hex} />
      </p>
    </dd>
  </>
);

const contextLabel = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();

/** A context field as text: strings as they are, anything else as indented JSON (escaped by JSX). */
const ContextValue: FC<{ value: unknown }> = ({ value }) =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? (
    <span>{String(value)}</span>
  ) : (
    <pre class="plain">{JSON.stringify(value, null, 2)}</pre>
  );

const Checklist: FC<{ viewer: Viewer; d: CaseDetail }> = ({ viewer, d }) => {
  const open = d.case.state === 'open';
  const progress = new Map(d.case.steps.map((s) => [s.n, s]));
  const mayTick = open && roleAllows(viewer.principal.role, ON_CALL);
  return (
    <ol class="checklist">
      {d.rendered.checklist.map((step) => {
        const p = progress.get(step.n);
        return (
          <li id={`step-${step.n}`}>
            <h3>
              {step.n}. {step.title} <StateBadge state={step.done ? 'done' : p ? 'reopened' : 'to-do'} />
            </h3>
            {p ? (
              <p class="muted">
                {p.done ? 'Done' : 'Reopened'} by {p.actor}, <Time at={p.at} />
                {p.note.trim() !== '' ? <>: {p.note}</> : null}
              </p>
            ) : null}
            {/* Markdown by contract; shown as text without its backslash escapes (JSX escapes the HTML). */}
            {step.text !== '' ? <pre class="plain">{step.text}</pre> : null}
            {mayTick ? (
              <form method="post" action={`${paths.case(d.case.id)}/steps/${step.n}`} class="stack">
                <CsrfField viewer={viewer} />
                <input type="hidden" name="done" value={step.done ? 'false' : 'true'} />
                <label for={`note-${step.n}`}>Note for step {step.n} (optional)</label>
                <textarea id={`note-${step.n}`} name="note" rows={2} maxlength={MAX_NOTE_LENGTH} />
                <div>
                  <button type="submit" class={step.done ? 'secondary' : undefined}>
                    {step.done ? `Undo step ${step.n}` : `Mark step ${step.n} done`}
                  </button>
                </div>
              </form>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
};

const Evidence: FC<{ d: CaseDetail; hasFeeds: boolean }> = ({ d, hasFeeds }) => (
  <>
    <h2 id="evidence">Matching advisories and candidates</h2>
    {!hasFeeds ? (
      <p class="muted">This deployment reads no advisory feeds.</p>
    ) : d.candidates.length === 0 && d.surroundings?.feedsOnFile === 0 ? (
      <p>
        {d.vendorName} has no advisory feed on file, so no advisory can match.{' '}
        <a href={`${paths.feeds}?vendor=${encodeURIComponent(d.case.vendorId)}`}>Feeds of {d.vendorName}</a>
      </p>
    ) : d.candidates.length === 0 ? (
      <p class="muted">
        No candidate from {d.vendorName}'s feeds announces this certificate, its key or its issuer.
      </p>
    ) : (
      <>
        <h3>Candidates</h3>
        <table>
          <TableHead columns={['Candidate', 'Fingerprint', 'Corroborated', 'Root on file']} />
          <tbody>
            {d.candidates.map((cand) => (
              <tr>
                <td>
                  <a href={paths.candidate(cand.vendorId, cand.key)}>
                    {cand.data.kind === 'certificate'
                      ? cand.data.subject
                      : `${cand.data.algorithm.toUpperCase()} fingerprint in the text`}
                  </a>
                </td>
                <td>
                  <Fingerprint hex={cand.data.kind === 'certificate' ? cand.data.sha256 : cand.data.hex} />
                </td>
                <td>{cand.data.corroborated ? 'yes' : 'no'}</td>
                <td>
                  {cand.root ? <StateBadge state={cand.root.state} /> : <span class="muted">none</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <h3>Advisories they came from</h3>
        <ul>
          {d.advisories.map((a) => (
            <li>
              {a.link && /^https?:\/\//i.test(a.link) ? (
                <a href={a.link} rel="noopener noreferrer">
                  {a.title}
                </a>
              ) : (
                a.title
              )}{' '}
              <span class="muted">
                (feed <code>{a.feedUrl}</code>, fetched <Time at={a.fetchedAt} />)
              </span>
            </li>
          ))}
        </ul>
      </>
    )}
  </>
);

const RootsOnFile: FC<{ d: CaseDetail }> = ({ d }) => (
  <>
    <h2 id="proposed">Root already proposed</h2>
    {d.roots.length === 0 ? (
      <p class="muted">No root with this certificate or key is on file for {d.vendorName}.</p>
    ) : (
      <table>
        <TableHead columns={['Root', 'State', 'Proposed by', 'When', 'Why']} />
        <tbody>
          {d.roots.map((r) => (
            <tr>
              <td>
                {r.anchor.state === 'pending' ? (
                  <a href={paths.anchorApproval(r.anchor)}>{r.anchor.subject} (approval page)</a>
                ) : (
                  <a href={paths.anchor(r.anchor)}>{r.anchor.subject}</a>
                )}
                <br />
                <Fingerprint hex={r.anchor.sha256} />
              </td>
              <td>
                <StateBadge state={r.anchor.state} />
              </td>
              <td>{r.anchor.proposedBy ?? <span class="muted">the seed</span>}</td>
              <td>
                <Time at={r.proposedAt} />
              </td>
              <td>{r.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </>
);

const HOW_REACHED = {
  certificate: 'the unreached certificate is that root',
  key: 'the unreached certificate has that root’s key',
  issuer: 'the unreached certificate names that root as its issuer',
} as const;

/** Another vendor's active root the chain reaches: what to do first, before calling this vendor. */
const WrongVendor: FC<{ d: CaseDetail }> = ({ d }) => {
  const others = d.surroundings?.otherVendorRoots ?? [];
  if (others.length === 0) return null;
  return (
    <>
      <h2 id="wrong-vendor">First, check the vendor with the caller</h2>
      <ul>
        {others.map((r) => (
          <li>
            This chain reaches {r.vendorName}'s active root{' '}
            <a href={paths.anchor({ vendorId: r.vendorId, sha256: r.sha256, kind: 'root' })}>{r.subject}</a>:
            the caller probably named the wrong vendor.{' '}
            <span class="muted">
              ({HOW_REACHED[r.match]}; vendor id <code>{r.vendorId}</code>)
            </span>
          </li>
        ))}
      </ul>
      <p>
        Ask the caller which vendor the package is from and have them verify it for that vendor. Contact{' '}
        {d.vendorName} (below the checklist) only if the caller confirms that {d.vendorName} signed it.
      </p>
    </>
  );
};

/** A pipeline job's URL: a link only when it is http(s). */
const JobLink: FC<{ url: string }> = ({ url }) =>
  /^https?:\/\//i.test(url) ? (
    <a href={url} rel="noopener noreferrer">
      {url}
    </a>
  ) : (
    <code>{url}</code>
  );

const CallerSent: FC<{ d: CaseDetail }> = ({ d }) => {
  const caller = d.case.caller;
  if (!caller || (caller.fileName === undefined && caller.jobUrl === undefined)) return null;
  return (
    <>
      <h2 id="caller">What the caller sent</h2>
      <dl class="facts">
        {caller.fileName !== undefined ? (
          <>
            <dt>File name</dt>
            <dd>
              <code>{caller.fileName}</code>
            </dd>
          </>
        ) : null}
        {caller.jobUrl !== undefined ? (
          <>
            <dt>Pipeline job</dt>
            <dd>
              <JobLink url={caller.jobUrl} />
            </dd>
          </>
        ) : null}
        <dt>Sent with the verification of</dt>
        <dd>
          <Time at={caller.at} />
        </dd>
      </dl>
    </>
  );
};

const RejectionSection: FC<{ d: CaseDetail }> = ({ d }) => {
  const r = d.rejection;
  if (!r) return null;
  return (
    <>
      <h2 id="rejection">Rejection on file</h2>
      <Notice kind="warn">
        {r.ofThisCase ? (
          'On-call rejected this root in this case.'
        ) : (
          <>
            On-call rejected this root in an earlier case, <a href={paths.case(r.caseId)}>{r.caseId}</a>.
          </>
        )}{' '}
        {r.inForce
          ? `It is remembered: the next identical package of ${d.vendorName} is refused at once (ESCALATION_REJECTED) with a pointer to case ${r.caseId}, without a new case or page.`
          : 'The admins decided about this root since, so packages signed this way are escalated again.'}
      </Notice>
      <dl class="facts">
        <dt>Case</dt>
        <dd>
          <a href={paths.case(r.caseId)}>{r.caseId}</a>
        </dd>
        <dt>Rejected by</dt>
        <dd>{r.actor}</dd>
        <dt>When</dt>
        <dd>
          <Time at={r.at} />
        </dd>
        <dt>Note</dt>
        <dd>{r.note.trim() !== '' ? r.note : <span class="muted">none given</span>}</dd>
      </dl>
    </>
  );
};

const Contacts: FC<{ d: CaseDetail }> = ({ d }) => (
  <>
    <h2 id="contacts">Contacts of {d.vendorName} on file</h2>
    {d.contacts === null ? (
      <p class="muted">The vendor {d.case.vendorId} is not in the trust store.</p>
    ) : d.contacts.length === 0 ? (
      <p class="muted">No contact on file; the vendor's record in the trust store has none.</p>
    ) : (
      <table>
        <TableHead columns={['Name', 'Channel', 'How to reach']} />
        <tbody>
          {d.contacts.map((ct) => (
            <tr>
              <td>{ct.name}</td>
              <td>{ct.channel}</td>
              <td>
                <code>{ct.value}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </>
);

const Actions: FC<{ viewer: Viewer; d: CaseDetail; canPropose: boolean }> = ({ viewer, d, canPropose }) => {
  const id = d.case.id;
  const isAdmin = roleAllows(viewer.principal.role, ROLES.write);
  const offered = d.candidates.filter(proposable);
  const alreadyProposed = d.roots.some((r) => r.anchor.state === 'pending');
  return (
    <>
      <h2 id="actions">Actions</h2>
      <h3>Propose from the candidate</h3>
      {!canPropose ? (
        <p class="muted">
          Proposing from a candidate is not available in this deployment; propose the root from the vendor's
          page instead.
        </p>
      ) : !isAdmin ? (
        <p class="muted">Only an admin may propose a root; ask the security admin on duty.</p>
      ) : alreadyProposed ? (
        <p class="muted">A root for this key waits for approval (above).</p>
      ) : offered.length === 0 ? (
        <p class="muted">No matching certificate candidate to propose.</p>
      ) : (
        <form method="post" action={`${paths.case(id)}/propose`} class="stack">
          <CsrfField viewer={viewer} />
          <label for="candidate">Candidate</label>
          <select id="candidate" name="candidate">
            {offered.map((cand) => (
              <option value={cand.key}>
                {cand.data.kind === 'certificate' ? cand.data.subject : cand.key} (
                {colonHex(cand.key).slice(0, 23)}
                …)
              </option>
            ))}
          </select>
          <label for="propose-reason">Why propose this root</label>
          <textarea id="propose-reason" name="reason" rows={3} required maxlength={MAX_REASON_LENGTH} />
          <div>
            <button type="submit">Propose as a root of {d.vendorName}</button>
          </div>
        </form>
      )}

      <h3>Resolve</h3>
      {d.case.state !== 'open' ? (
        <p class="muted">The case is resolved.</p>
      ) : !roleAllows(viewer.principal.role, ON_CALL) ? (
        <p class="muted">Your role may not resolve cases.</p>
      ) : (
        <form method="post" action={`${paths.case(id)}/resolve`} class="stack">
          <CsrfField viewer={viewer} />
          <fieldset>
            <legend>Outcome</legend>
            <label>
              <input type="radio" name="outcome" value="approved" required /> Approved: the root was approved
            </label>
            <label>
              <input type="radio" name="outcome" value="rejected" /> Rejected: the signature is not the
              vendor's
            </label>
          </fieldset>
          <label for="resolve-note">Resolution note</label>
          <textarea id="resolve-note" name="note" rows={3} maxlength={MAX_NOTE_LENGTH} />
          <div>
            <button type="submit">Resolve the case</button>
          </div>
        </form>
      )}
    </>
  );
};

const CasePage: FC<{ viewer: Viewer; d: CaseDetail; done?: string | undefined; deps: ConsoleDeps }> = ({
  viewer,
  d,
  done,
  deps,
}) => {
  const c = d.case;
  const wrongVendor = (d.surroundings?.otherVendorRoots.length ?? 0) > 0;
  return (
    <Page title={`Case ${c.id}`} viewer={viewer} section="/console/cases">
      {done && Object.hasOwn(DONE_MESSAGES, done) ? (
        <Notice kind="ok">{DONE_MESSAGES[done as keyof typeof DONE_MESSAGES]}</Notice>
      ) : null}
      {c.resolution ? (
        <Notice kind={c.resolution.outcome === 'approved' ? 'ok' : 'warn'}>
          Resolved <StateBadge state={c.resolution.outcome} /> by {c.resolution.actor},{' '}
          <Time at={c.resolution.at} />
          {c.resolution.note.trim() !== '' ? <>: {c.resolution.note}</> : null}
        </Notice>
      ) : null}
      <dl class="facts">
        <dt>State</dt>
        <dd>
          <StateBadge state={c.state} />
        </dd>
        <dt>Kind</dt>
        <dd>{c.kind}</dd>
        <dt>Vendor</dt>
        <dd>
          <a href={paths.vendor(c.vendorId)}>{d.vendorName}</a> <span class="muted">({c.vendorId})</span>
        </dd>
        <dt>Unreached root</dt>
        <dd>{c.top.subject}</dd>
        {c.top.issuer !== undefined && c.top.issuer !== c.top.subject ? (
          <>
            <dt>Its issuer</dt>
            <dd>{c.top.issuer}</dd>
          </>
        ) : null}
        <dt>Verifications blocked</dt>
        <dd>{c.verificationsBlocked}</dd>
        <dt>First seen</dt>
        <dd>
          <Time at={c.firstSeen} />
        </dd>
        <dt>Last seen</dt>
        <dd>
          <Time at={c.lastSeen} />
        </dd>
      </dl>
      <p>
        <a href={`${paths.case(c.id)}/checklist.md`}>The checklist as Markdown</a>{' '}
        <span class="muted">
          (the same text as <code>GET /escalations/{c.id}</code> with <code>Accept: text/markdown</code>)
        </span>
      </p>

      <WrongVendor d={d} />
      <CallerSent d={d} />
      <RejectionSection d={d} />

      {c.top.rootRefusal ? (
        <Notice kind="warn">
          This certificate cannot be approved as a root (<code>{c.top.rootRefusal.code}</code>):{' '}
          {c.top.rootRefusal.detail}
        </Notice>
      ) : null}

      <h2 id="fingerprints">Fingerprints of the unreached root</h2>
      <p>
        <strong>For reading to the vendor, never to match.</strong> Read the groups aloud and let the vendor
        confirm them from their own records; compare by machine, never by eye.
      </p>
      <dl class="facts">
        <ReadAloud label="Certificate SHA-256" hex={c.top.sha256} />
        <ReadAloud label="Key (SPKI) SHA-256" hex={c.top.spkiSha256} />
        {d.sha1 ? <ReadAloud label="Certificate SHA-1" hex={d.sha1} /> : null}
      </dl>

      {c.overflow ? (
        <>
          <h2 id="overflow">Unknown roots counted instead of opening their cases</h2>
          <p class="muted">
            More than {c.overflow.newCasesPerVendor} new cases for this vendor within{' '}
            {c.overflow.windowSeconds} seconds: further unknown roots are counted here.
          </p>
          <table>
            <TableHead columns={['Root', 'SHA-256', 'Verifications', 'Last seen']} />
            <tbody>
              {c.overflow.roots.map((r) => (
                <tr>
                  <td>{r.subject}</td>
                  <td>
                    <Fingerprint hex={r.sha256} />
                  </td>
                  <td>{r.verifications}</td>
                  <td>
                    <Time at={r.lastSeen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}

      {d.context.length > 0 ? (
        <>
          <h2 id="context">Context</h2>
          <dl class="facts">
            {d.context.map(([key, value]) => (
              <>
                <dt>{contextLabel(key)}</dt>
                <dd>
                  <ContextValue value={value} />
                </dd>
              </>
            ))}
          </dl>
        </>
      ) : null}

      {/* With another vendor's root in the chain, the caller is asked first and this vendor's contacts wait. */}
      {wrongVendor ? null : <Contacts d={d} />}

      <h2 id="checklist">Checklist</h2>
      <Checklist viewer={viewer} d={d} />
      {wrongVendor ? <Contacts d={d} /> : null}

      <Evidence d={d} hasFeeds={deps.feeds !== undefined} />
      <RootsOnFile d={d} />
      <Actions viewer={viewer} d={d} canPropose={deps.proposeCandidate !== undefined} />
    </Page>
  );
};

export function registerCases(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  app.get('/cases', async (c) => {
    const viewer = c.get('viewer');
    requireRole(viewer, ROLES.read, 'read escalation cases');
    const raw = c.req.query('state') ?? 'open';
    if (!(CASE_STATES as readonly string[]).includes(raw)) {
      throw new TrustgateError('INVALID_FIELD', `state: one of ${CASE_STATES.join(', ')}`);
    }
    const state = raw as CaseState;
    const cases = await escalationsOf(deps).list({ state, limit: LIST_LIMIT });
    cases.sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
    return c.html(<CasesPage viewer={viewer} state={state} cases={cases} />);
  });

  app.get('/cases/:id', async (c) => {
    const viewer = c.get('viewer');
    requireRole(viewer, ROLES.read, 'read escalation cases');
    const d = await loadCase(deps, escalationsOf(deps), caseId(c.req.param('id')));
    return c.html(<CasePage viewer={viewer} d={d} done={c.req.query('done')} deps={deps} />);
  });

  app.get('/cases/:id/checklist.md', async (c) => {
    requireRole(c.get('viewer'), ROLES.read, 'read escalation cases');
    const { rendered } = await escalationsOf(deps).get(caseId(c.req.param('id')));
    // text/plain so that a browser shows it instead of downloading it; the text is the API's Markdown.
    return c.body(rendered.markdown, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });

  app.post('/cases/:id/steps/:n', async (c) => {
    const viewer = c.get('viewer');
    requireRole(viewer, ON_CALL, 'tick checklist steps');
    const id = caseId(c.req.param('id'));
    const n = Number(c.req.param('n'));
    if (!Number.isInteger(n) || n < 1 || n > 100) {
      throw new TrustgateError('INVALID_FIELD', 'n: a step number from 1 to 100');
    }
    const form = await c.req.parseBody();
    if (form.done !== 'true' && form.done !== 'false') {
      throw new TrustgateError('INVALID_FIELD', 'done: true or false');
    }
    const note = textField(form, 'note', MAX_NOTE_LENGTH);
    await escalationsOf(deps).markStep(id, n, {
      done: form.done === 'true',
      ...(note !== undefined ? { note } : {}),
      actor: viewer.principal.name,
    });
    return c.redirect(`${paths.case(id)}?done=step#step-${n}`, 303);
  });

  app.post('/cases/:id/resolve', async (c) => {
    const viewer = c.get('viewer');
    requireRole(viewer, ON_CALL, 'resolve escalation cases');
    const id = caseId(c.req.param('id'));
    const form = await c.req.parseBody();
    const outcome = form.outcome;
    if (outcome !== 'approved' && outcome !== 'rejected') {
      throw new TrustgateError('INVALID_FIELD', 'outcome: approved or rejected');
    }
    const note = textField(form, 'note', MAX_NOTE_LENGTH);
    await escalationsOf(deps).resolve(id, {
      outcome,
      ...(note !== undefined ? { note } : {}),
      actor: viewer.principal.name,
    });
    return c.redirect(`${paths.case(id)}?done=resolved`, 303);
  });

  app.post('/cases/:id/propose', async (c) => {
    const viewer = c.get('viewer');
    requireRole(viewer, ROLES.write, 'propose a root');
    const propose = deps.proposeCandidate;
    if (!propose) {
      throw new TrustgateError('NOT_FOUND', 'this deployment cannot propose a root from a candidate');
    }
    const id = caseId(c.req.param('id'));
    const form = await c.req.parseBody();
    const reason = textField(form, 'reason', MAX_REASON_LENGTH)?.trim();
    if (!reason) throw new TrustgateError('MISSING_FIELD', 'reason: say why this candidate is the root');
    const key = form.candidate;
    if (typeof key !== 'string' || key === '') {
      throw new TrustgateError('MISSING_FIELD', 'candidate: choose the candidate to propose');
    }
    const d = await loadCase(deps, escalationsOf(deps), id);
    if (d.case.state !== 'open') {
      throw new TrustgateError('INVALID_STATE', `escalation case ${id} is ${d.case.state}`);
    }
    if (!d.candidates.some((cand) => cand.key === key)) {
      throw new TrustgateError('INVALID_FIELD', 'candidate: not a candidate matching this case');
    }
    await propose(viewer.principal, d.case.vendorId, key, reason);
    return c.redirect(`${paths.case(id)}?done=proposed#proposed`, 303);
  });
}
