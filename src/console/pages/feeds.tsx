import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { StoredFeed } from '../../advisories';
import { TrustgateError } from '../../errors';
import { ROLES } from '../../http/auth';
import { roleAllows } from '../../trust/tokens';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import { CsrfField, Notice, Page, StateBadge, Time } from '../layout';
import { paths } from '../paths';

const OUTCOME_WORDS: Record<string, string> = {
  ok: 'ok',
  not_modified: 'not modified',
  retry_later: 'asked to retry later',
  gone: 'gone (410)',
  error: 'error',
};

const statusOf = (feed: StoredFeed): string =>
  feed.state.status !== 'active'
    ? feed.state.status
    : feed.state.consecutiveFailures > 0
      ? 'failing'
      : 'active';

const FeedRow: FC<{ feed: StoredFeed; now: Date; canPoll: boolean; viewer: Viewer }> = ({
  feed,
  now,
  canPoll,
  viewer,
}) => {
  const s = feed.state;
  const polling = s.leaseUntil !== null && new Date(s.leaseUntil) > now;
  const pollWords = s.status === 'disabled' ? 'Enable and poll now' : 'Poll now';
  return (
    <tr id={`feed-${feed.id}`}>
      <td>
        <code>{feed.url}</code>
        <br />
        <span class="muted">
          {feed.id}, added by {feed.createdBy} <Time at={feed.createdAt} />
        </span>
      </td>
      <td>
        <a href={paths.vendor(feed.vendorId)}>{feed.vendorId}</a>
      </td>
      <td>
        <StateBadge state={statusOf(feed)} />
        {polling ? <span class="muted"> (polling now)</span> : null}
        {s.disabledReason ? <p class="reason">Disabled: {s.disabledReason}</p> : null}
      </td>
      <td>{s.consecutiveFailures}</td>
      <td>
        <dl class="facts">
          <dt>Last polled</dt>
          <dd>
            <Time at={s.lastPolledAt} />
          </dd>
          <dt>Last success</dt>
          <dd>
            <Time at={s.lastSuccessAt} />
          </dd>
          <dt>Next poll</dt>
          <dd>
            {s.nextPollAt ? (
              <Time at={s.nextPollAt} />
            ) : (
              <span class="muted">{s.status === 'disabled' ? 'not scheduled (disabled)' : 'due now'}</span>
            )}
          </dd>
        </dl>
      </td>
      <td>
        {s.lastOutcome ? (
          (OUTCOME_WORDS[s.lastOutcome] ?? s.lastOutcome)
        ) : (
          <span class="muted">not polled yet</span>
        )}
        {s.lastError ? (
          <p>
            <span class="muted">Last error:</span> {s.lastError}
          </p>
        ) : null}
      </td>
      {canPoll ? (
        <td>
          <form method="post" action={`${paths.feeds}/${encodeURIComponent(feed.id)}/poll`} class="inline">
            <CsrfField viewer={viewer} />
            {/* The spoken name starts with the visible words (WCAG 2.5.3 label in name), then names the feed. */}
            <button type="submit" class="secondary" aria-label={`${pollWords}: ${feed.url}`}>
              {pollWords}
            </button>
          </form>
        </td>
      ) : null}
    </tr>
  );
};

const FeedsPage: FC<{
  viewer: Viewer;
  feeds: StoredFeed[] | null;
  now: Date;
  vendor: string | undefined;
  done: string | undefined;
}> = ({ viewer, feeds, now, vendor, done }) => {
  const canPoll = roleAllows(viewer.principal.role, ROLES.write);
  return (
    <Page title="Feeds" viewer={viewer} section="/console/feeds">
      {done === 'polled' ? (
        <Notice kind="ok">The feed was polled; its state below is after that poll.</Notice>
      ) : null}
      <p class="muted">
        Vendors' advisory feeds (RSS, Atom, CSAF ROLIE), polled on their own schedule. What they announce
        becomes a <a href={paths.candidates}>candidate</a>, never a trusted root by itself.
        {canPoll ? ' Polling a disabled feed by hand enables it again (audited).' : ''}
      </p>
      {vendor ? (
        <p>
          Feeds of vendor <strong>{vendor}</strong>. <a href={paths.feeds}>All feeds</a>
        </p>
      ) : null}
      {feeds === null ? (
        <Notice kind="warn">This deployment polls no feeds.</Notice>
      ) : feeds.length === 0 ? (
        <p class="muted">No feed is subscribed{vendor ? ' for this vendor' : ''}.</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">Feed</th>
              <th scope="col">Vendor</th>
              <th scope="col">Status</th>
              <th scope="col">Failures in a row</th>
              <th scope="col">Schedule</th>
              <th scope="col">Last outcome</th>
              {canPoll ? <th scope="col">Action</th> : null}
            </tr>
          </thead>
          <tbody>
            {feeds.map((feed) => (
              <FeedRow feed={feed} now={now} canPoll={canPoll} viewer={viewer} />
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
};

const VENDOR_QUERY = /^[a-z0-9][a-z0-9._-]{0,63}$/;

export function registerFeeds(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  app.get('/feeds', async (c) => {
    const vendor = c.req.query('vendor') || undefined;
    if (vendor !== undefined && !VENDOR_QUERY.test(vendor)) {
      throw new TrustgateError('INVALID_FIELD', 'vendor: not a vendor id');
    }
    const feeds = deps.feeds ? await deps.feeds.list(vendor ? { vendorId: vendor } : {}) : null;
    return c.html(
      <FeedsPage
        viewer={c.get('viewer')}
        feeds={feeds}
        now={deps.now()}
        vendor={vendor}
        done={c.req.query('done')}
      />,
    );
  });

  app.post('/feeds/:id/poll', async (c) => {
    const viewer = c.get('viewer');
    if (!roleAllows(viewer.principal.role, ROLES.write)) {
      throw new TrustgateError('FORBIDDEN', `polling a feed needs the role ${ROLES.write.join(' or ')}`);
    }
    if (!deps.feeds) throw new TrustgateError('NOT_FOUND', 'this deployment polls no feeds');
    await deps.feeds.pollNow(c.req.param('id'), viewer.principal.name);
    return c.redirect(`${paths.feeds}?done=polled#feed-${encodeURIComponent(c.req.param('id'))}`, 303);
  });
}
