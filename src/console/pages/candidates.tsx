import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { StoredProvenance } from '../../advisories';
import { TrustgateError } from '../../errors';
import { ROLES } from '../../http/auth';
import type { CandidateWithRoot } from '../../services/feeds';
import { isVendorId } from '../../trust';
import { roleAllows } from '../../trust/tokens';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import { CsrfField, Fingerprint, Notice, Page, StateBadge, TableHead, Time } from '../layout';
import { paths } from '../paths';

const MAX_REASON = 2000;

const titleOf = (c: CandidateWithRoot): string =>
  c.data.kind === 'certificate'
    ? c.data.subject
    : `${c.data.algorithm.toUpperCase()} fingerprint ${c.data.hex}`;

const rootPath = (c: CandidateWithRoot) =>
  c.root ? paths.anchor({ vendorId: c.vendorId, sha256: c.root.sha256, kind: 'root' }) : null;

const provenancesOf = (c: CandidateWithRoot): StoredProvenance[] => [
  c.data.provenance,
  ...c.data.otherProvenance,
];

/** An item link from a feed, shown as a link only when it is http(s) (never javascript: or data:). */
const ItemLink: FC<{ href: string | null }> = ({ href }) =>
  href && /^https?:\/\//i.test(href) ? (
    <a href={href} rel="noreferrer noopener">
      {href}
    </a>
  ) : href ? (
    <code>{href}</code>
  ) : (
    <span class="muted">no link</span>
  );

const RootOnFile: FC<{ c: CandidateWithRoot }> = ({ c }) => {
  const href = rootPath(c);
  return c.root && href ? (
    <span>
      <StateBadge state={c.root.state} /> <a href={href}>root on file</a>
    </span>
  ) : (
    <span class="muted">none</span>
  );
};

const Corroboration: FC<{ c: CandidateWithRoot }> = ({ c }) => {
  const d = c.data;
  if (d.kind !== 'certificate') return <span class="muted">no (a fingerprint hint cannot be)</span>;
  if (!d.corroboration) return <span>no</span>;
  return (
    <span>
      yes: cross-signed by the active root {d.corroboration.rootSubject}{' '}
      <span class="muted">(still not trusted by itself)</span>
    </span>
  );
};

const CandidateList: FC<{ viewer: Viewer; list: CandidateWithRoot[] | null; vendor: string | undefined }> = ({
  viewer,
  list,
  vendor,
}) => (
  <Page title="Candidates" viewer={viewer} section="/console/candidates">
    <p class="muted">
      Roots that vendors' advisories announced, with where each was seen. A candidate is never trusted by
      itself: an admin proposes it as a root and a second admin approves it.
    </p>
    <form method="get" action={paths.candidates} class="filters" aria-label="Filter candidates">
      <div>
        <label for="candidates-vendor">Vendor id</label>
        <input type="text" id="candidates-vendor" name="vendor" value={vendor ?? ''} />
      </div>
      <div class="actions">
        <button type="submit">Filter</button> {vendor ? <a href={paths.candidates}>All vendors</a> : null}
      </div>
    </form>
    {list === null ? (
      <Notice kind="warn">This deployment polls no feeds, so it has no candidates.</Notice>
    ) : list.length === 0 ? (
      <p class="muted">No candidate{vendor ? ` for ${vendor}` : ''}.</p>
    ) : (
      <table>
        <TableHead
          columns={['Candidate', 'Vendor', 'Seen in', 'Corroborated', 'Root on file', 'First seen']}
        />
        <tbody>
          {list.map((c) => {
            const [first, ...others] = provenancesOf(c);
            return (
              <tr>
                <td>
                  <a href={paths.candidate(c.vendorId, c.key)}>{titleOf(c)}</a>
                  <br />
                  <span class="muted">
                    {c.data.kind === 'certificate' ? 'certificate' : 'fingerprint hint'}
                  </span>
                </td>
                <td>{c.vendorId}</td>
                <td>
                  {first ? (
                    <>
                      {first.itemTitle} <span class="muted">from</span> <code>{first.feedUrl}</code>
                      <br />
                      <ItemLink href={first.itemLink} /> <span class="muted">seen</span>{' '}
                      <Time at={first.fetchedAt} />
                      {others.length > 0 ? (
                        <span class="muted">
                          {' '}
                          and {others.length} other {others.length === 1 ? 'item' : 'items'}
                        </span>
                      ) : null}
                    </>
                  ) : null}
                </td>
                <td>
                  <Corroboration c={c} />
                </td>
                <td>
                  <RootOnFile c={c} />
                </td>
                <td>
                  <Time at={c.createdAt} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    )}
  </Page>
);

const ProposeSection: FC<{ viewer: Viewer; c: CandidateWithRoot; canPropose: boolean; wired: boolean }> = ({
  viewer,
  c,
  canPropose,
  wired,
}) => {
  if (c.data.kind !== 'certificate') {
    return (
      <p>
        A fingerprint hint cannot be proposed: there is no certificate to put on file. Find the vendor's
        certificate with this fingerprint, then propose it on the{' '}
        <a href={paths.propose(c.vendorId)}>vendor's page</a>.
      </p>
    );
  }
  if (c.root) {
    return (
      <p>
        This certificate or key is already on file as a root of {c.vendorId} (
        <StateBadge state={c.root.state} />
        ): <a href={rootPath(c) ?? paths.vendor(c.vendorId)}>see that root</a>.
      </p>
    );
  }
  if (!canPropose) {
    return <p class="muted">Only an admin can propose a candidate as a root.</p>;
  }
  if (!wired) {
    return (
      <p class="muted">
        This deployment does not propose straight from a candidate; copy the PEM above into the{' '}
        <a href={paths.propose(c.vendorId)}>vendor's propose form</a>.
      </p>
    );
  }
  return (
    <form method="post" action={`${paths.candidate(c.vendorId, c.key)}/propose`} class="stack">
      <CsrfField viewer={viewer} />
      <p>
        Proposing puts this certificate on file as a <strong>pending</strong> root of {c.vendorId}, with this
        candidate as its provenance. It is trusted only once a second admin approves it.
      </p>
      <div>
        <label for="propose-reason">Why (recorded in the audit log)</label>
        <textarea id="propose-reason" name="reason" rows={3} required maxlength={MAX_REASON} />
      </div>
      <div>
        <button type="submit">Propose as a root</button>
      </div>
    </form>
  );
};

const CandidateDetail: FC<{ viewer: Viewer; c: CandidateWithRoot; wired: boolean }> = ({
  viewer,
  c,
  wired,
}) => {
  const d = c.data;
  return (
    <Page title={`Candidate: ${titleOf(c)}`} viewer={viewer} section="/console/candidates">
      <p>
        <a href={`${paths.candidates}?vendor=${encodeURIComponent(c.vendorId)}`}>
          All candidates of {c.vendorId}
        </a>
      </p>
      <h2>What was announced</h2>
      <dl class="facts">
        <dt>Vendor</dt>
        <dd>
          <a href={paths.vendor(c.vendorId)}>{c.vendorId}</a>
        </dd>
        <dt>Kind</dt>
        <dd>{d.kind === 'certificate' ? 'certificate' : 'fingerprint hint (no certificate)'}</dd>
        {d.kind === 'certificate' ? (
          <>
            <dt>Subject</dt>
            <dd>{d.subject}</dd>
            <dt>Issuer</dt>
            <dd>
              {d.issuer} {d.selfIssued ? <span class="muted">(self-issued)</span> : null}
            </dd>
            <dt>Valid</dt>
            <dd>
              <Time at={d.notBefore} /> to <Time at={d.notAfter} />
            </dd>
            <dt>SHA-256</dt>
            <dd>
              <Fingerprint hex={d.sha256} />
            </dd>
            <dt>Key (SPKI) SHA-256</dt>
            <dd>
              <Fingerprint hex={d.spkiSha256} />
            </dd>
            <dt>SHA-1</dt>
            <dd>
              <Fingerprint hex={d.sha1} />
            </dd>
            <dt>Fingerprint also in the text</dt>
            <dd>{d.announcedInText ? 'yes' : 'no'}</dd>
          </>
        ) : (
          <>
            <dt>{d.algorithm.toUpperCase()}</dt>
            <dd>
              <Fingerprint hex={d.hex} />
            </dd>
            <dt>Context</dt>
            <dd>{d.context}</dd>
          </>
        )}
        <dt>Corroborated</dt>
        <dd>
          <Corroboration c={c} />
        </dd>
        <dt>Root on file</dt>
        <dd>
          <RootOnFile c={c} />
        </dd>
        <dt>First seen</dt>
        <dd>
          <Time at={c.createdAt} />
        </dd>
        <dt>Updated</dt>
        <dd>
          <Time at={c.updatedAt} />
        </dd>
      </dl>
      {d.kind === 'certificate' ? (
        <>
          <details>
            <summary>PEM</summary>
            <pre class="wrap">{d.pem}</pre>
          </details>
          {d.sameKeyCertificates.length > 0 ? (
            <>
              <h3>Other certificates of the same key</h3>
              <ul>
                {d.sameKeyCertificates.map((twin) => (
                  <li>
                    {twin.subject} <span class="muted">issued by</span> {twin.issuer}:{' '}
                    <Fingerprint hex={twin.sha256} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : null}

      <h2>Where it was seen</h2>
      <table>
        <TableHead columns={['Item', 'Feed', 'Link', 'Fetched']} />
        <tbody>
          {provenancesOf(c).map((p) => (
            <tr>
              <td>
                {p.itemTitle}
                <br />
                <span class="muted">guid</span> <code>{p.itemGuid}</code>
              </td>
              <td>
                <code>{p.feedUrl}</code>
              </td>
              <td>
                <ItemLink href={p.itemLink} />
              </td>
              <td>
                <Time at={p.fetchedAt} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Propose as a root</h2>
      <ProposeSection
        viewer={viewer}
        c={c}
        canPropose={roleAllows(viewer.principal.role, ROLES.write)}
        wired={wired}
      />
    </Page>
  );
};

async function findCandidate(deps: ConsoleDeps, vendorId: string, key: string): Promise<CandidateWithRoot> {
  if (!deps.feeds)
    throw new TrustgateError('NOT_FOUND', 'this deployment polls no feeds, so it has no candidates');
  if (!isVendorId(vendorId)) throw new TrustgateError('NOT_FOUND', `no vendor '${vendorId}'`);
  const found = (await deps.feeds.listCandidates({ vendorId })).find((c) => c.key === key);
  if (!found) throw new TrustgateError('NOT_FOUND', `vendor '${vendorId}' has no candidate '${key}'`);
  return found;
}

export function registerCandidates(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  app.get('/candidates', async (c) => {
    const vendor = c.req.query('vendor')?.trim() || undefined;
    if (vendor !== undefined && !isVendorId(vendor)) {
      throw new TrustgateError(
        'INVALID_FIELD',
        'vendor: not a vendor id (lower-case letters, digits, . _ -)',
      );
    }
    const list = deps.feeds ? await deps.feeds.listCandidates(vendor ? { vendorId: vendor } : {}) : null;
    return c.html(<CandidateList viewer={c.get('viewer')} list={list} vendor={vendor} />);
  });

  app.get('/candidates/:vendor/:key', async (c) => {
    const found = await findCandidate(deps, c.req.param('vendor'), c.req.param('key'));
    return c.html(
      <CandidateDetail viewer={c.get('viewer')} c={found} wired={deps.proposeCandidate !== undefined} />,
    );
  });

  app.post('/candidates/:vendor/:key/propose', async (c) => {
    const viewer = c.get('viewer');
    if (!roleAllows(viewer.principal.role, ROLES.write)) {
      throw new TrustgateError('FORBIDDEN', `proposing a root needs the role ${ROLES.write.join(' or ')}`);
    }
    // A fingerprint hint or a root already on file is refused by the use case itself, with the API's codes
    // (CANDIDATE_WITHOUT_CERTIFICATE, ROOT_DUPLICATE).
    const found = await findCandidate(deps, c.req.param('vendor'), c.req.param('key'));
    const form = await c.req.parseBody();
    const reason = typeof form.reason === 'string' ? form.reason.trim() : '';
    if (reason.length === 0 || reason.length > MAX_REASON) {
      throw new TrustgateError('INVALID_FIELD', `reason: required, at most ${MAX_REASON} characters`);
    }
    if (!deps.proposeCandidate) {
      throw new TrustgateError('NOT_FOUND', 'this deployment cannot propose a root from a candidate');
    }
    const anchor = await deps.proposeCandidate(viewer.principal, found.vendorId, found.key, reason);
    return c.redirect(`${paths.anchor(anchor)}?done=proposed`, 303);
  });
}
