import type { Context, Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { TrustgateError } from '../../errors';
import type { Anchor, AnchorKind, AuditRecord } from '../../trust';
import { AnchorFacts, DoneNotice, HistoryTable, kindLabel } from '../anchor-views';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import {
  canWrite,
  done,
  type FormBody,
  field,
  formVersionCheck,
  instantField,
  requireReason,
  requireWrite,
} from '../forms';
import { CsrfField, Notice, Page } from '../layout';
import { paths } from '../paths';

/** The anchor use cases of one kind, as the API's root and signer routes pick them. */
export function anchorOps(deps: ConsoleDeps, kind: AnchorKind) {
  const a = deps.trustAdmin;
  return kind === 'root'
    ? {
        get: a.getRoot,
        approve: a.approveRoot,
        distrust: a.distrustRoot,
        retire: a.retireRoot,
        propose: a.proposeRoot,
      }
    : {
        get: a.getSigner,
        approve: a.approveSigner,
        distrust: a.distrustSigner,
        retire: a.retireSigner,
        propose: a.proposeSigner,
      };
}

/** `roots` or `signers` in a path, as a kind. */
export const kindOf = (plural: string): AnchorKind => (plural === 'signers' ? 'signer' : 'root');

/** The anchor a console path names: its vendor, kind and SHA-256. */
export function anchorRef(c: Context<ConsoleEnv>) {
  return {
    kind: kindOf(c.req.param('kind') ?? ''),
    ref: { sha256: c.req.param('sha256') ?? '', vendor: c.req.param('id') ?? c.req.param('vendor') },
  };
}

const DistrustForm: FC<{ viewer: Viewer; anchor: Anchor; now: Date }> = ({ viewer, anchor, now }) => (
  <form method="post" action={`${paths.anchor(anchor)}/distrust`} class="stack">
    <CsrfField viewer={viewer} />
    <input type="hidden" name="version" value={String(anchor.version)} />
    <div>
      <label for="distrust-after">Distrust signatures made at or after (UTC)</label>
      <input
        type="datetime-local"
        id="distrust-after"
        name="after"
        value={now.toISOString().slice(0, 16)}
        aria-describedby="distrust-after-help"
      />
      <p id="distrust-after-help" class="muted">
        Signatures whose signer was issued or timestamped earlier still chain to it. Required unless the key
        is compromised.
      </p>
    </div>
    <div>
      <label>
        <input type="checkbox" name="keyCompromise" value="true" /> The key is (or may be) compromised: trust
        no signature under it, whatever its date (irreversible)
      </label>
    </div>
    <div>
      <label for="distrust-reason">Reason (kept in the audit log)</label>
      <textarea id="distrust-reason" name="reason" rows={2} required maxlength={2000} />
    </div>
    <div>
      <button type="submit" class="danger">
        Distrust
      </button>
    </div>
  </form>
);

const RetireForm: FC<{ viewer: Viewer; anchor: Anchor }> = ({ viewer, anchor }) => (
  <form method="post" action={`${paths.anchor(anchor)}/retire`} class="stack">
    <CsrfField viewer={viewer} />
    <input type="hidden" name="version" value={String(anchor.version)} />
    <div>
      <label for="retire-reason">Reason (kept in the audit log)</label>
      <textarea id="retire-reason" name="reason" rows={2} required maxlength={2000} />
    </div>
    <div>
      <button type="submit" class="secondary">
        Retire
      </button>
    </div>
  </form>
);

const AnchorPage: FC<{
  viewer: Viewer;
  anchor: Anchor;
  sha1: string;
  history: AuditRecord[];
  now: Date;
  done: string | undefined;
}> = ({ viewer, anchor, sha1, history, now, done }) => {
  const writable = canWrite(viewer);
  const open = anchor.state !== 'retired';
  return (
    <Page title={`${kindLabel(anchor)} ${anchor.subject}`} viewer={viewer} section="/console/vendors">
      <DoneNotice word={done} />
      {anchor.state === 'pending' ? (
        <Notice kind="warn">
          Pending: it anchors nothing until another admin approves it.{' '}
          <a href={paths.anchorApproval(anchor)}>Review the approval</a>
        </Notice>
      ) : null}
      <AnchorFacts anchor={anchor} sha1={sha1} now={now} />

      <h2>History</h2>
      <HistoryTable history={history} />

      {writable && open ? (
        <>
          <h2>Distrust</h2>
          <p class="muted">One admin, at once: distrust is the safe direction.</p>
          <DistrustForm viewer={viewer} anchor={anchor} now={now} />
          <h2>Retire</h2>
          <p class="muted">It anchors nothing from now on.</p>
          <RetireForm viewer={viewer} anchor={anchor} />
        </>
      ) : null}
    </Page>
  );
};

export function registerAnchorPages(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  app.get('/vendors/:id/:kind{roots|signers}/:sha256', async (c) => {
    const { kind, ref } = anchorRef(c);
    const { anchor, sha1, history } = await anchorOps(deps, kind).get(ref);
    return c.html(
      <AnchorPage
        viewer={c.get('viewer')}
        anchor={anchor}
        sha1={sha1}
        history={history}
        now={deps.now()}
        done={c.req.query('done')}
      />,
    );
  });

  app.post('/vendors/:id/:kind{roots|signers}/:sha256/distrust', async (c) => {
    const viewer = c.get('viewer');
    requireWrite(viewer);
    const { kind, ref } = anchorRef(c);
    const form = (await c.req.parseBody()) as FormBody;
    const reason = requireReason(form);
    const keyCompromise = field(form, 'keyCompromise') === 'true';
    const after = instantField(form, 'after');
    if (!keyCompromise && after === undefined) {
      throw new TrustgateError('INVALID_FIELD', 'after is required unless keyCompromise is true');
    }
    const next = await anchorOps(deps, kind).distrust(
      viewer.principal,
      ref,
      { after, keyCompromise, reason },
      formVersionCheck(form),
    );
    return c.redirect(done(paths.anchor(next), 'distrusted'), 303);
  });

  app.post('/vendors/:id/:kind{roots|signers}/:sha256/retire', async (c) => {
    const viewer = c.get('viewer');
    requireWrite(viewer);
    const { kind, ref } = anchorRef(c);
    const form = (await c.req.parseBody()) as FormBody;
    const next = await anchorOps(deps, kind).retire(
      viewer.principal,
      ref,
      { reason: requireReason(form) },
      formVersionCheck(form),
    );
    return c.redirect(done(paths.anchor(next), 'retired'), 303);
  });
}
