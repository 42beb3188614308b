import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { ANCHOR_STATES, type Anchor, type Vendor } from '../../trust';
import type { VendorChange } from '../../trust/vendor-changes';
import { AnchorTable, ContactList, DoneNotice } from '../anchor-views';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import { canWrite } from '../forms';
import { Page, TableHead, Time } from '../layout';
import { paths } from '../paths';

interface VendorRow {
  vendor: Vendor;
  counts: Record<string, number>;
  signers: number;
}

const VendorsPage: FC<{ viewer: Viewer; rows: VendorRow[] }> = ({ viewer, rows }) => (
  <Page title="Vendors" viewer={viewer} section="/console/vendors">
    {rows.length === 0 ? (
      <p class="muted">No vendor is on file.</p>
    ) : (
      <table>
        <caption class="muted">Roots of each vendor by state, and its pinned signers</caption>
        <thead>
          <tr>
            <th scope="col">Vendor</th>
            {ANCHOR_STATES.map((s) => (
              <th scope="col">Roots {s}</th>
            ))}
            <th scope="col">Pinned signers</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr>
              <td>
                <a href={paths.vendor(r.vendor.id)}>{r.vendor.name}</a> <code>{r.vendor.id}</code>
              </td>
              {ANCHOR_STATES.map((s) => (
                <td>{r.counts[s] ?? 0}</td>
              ))}
              <td>{r.signers}</td>
            </tr>
          ))}
        </tbody>
      </table>
    )}
  </Page>
);

const ChangeTable: FC<{ changes: VendorChange[] }> = ({ changes }) => (
  <table>
    <TableHead columns={['Change', 'Proposed by', 'When', 'Why']} />
    <tbody>
      {changes.map((ch) => (
        <tr>
          <td>
            <a href={paths.changeApproval(ch.vendorId, ch.id)}>{Object.keys(ch.changes).join(', ')}</a>
          </td>
          <td>{ch.proposedBy}</td>
          <td>
            <Time at={ch.proposedAt} />
          </td>
          <td>{ch.reason}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

const VendorPage: FC<{
  viewer: Viewer;
  vendor: Vendor;
  roots: Anchor[];
  signers: Anchor[];
  changes: VendorChange[];
  now: Date;
  done: string | undefined;
}> = ({ viewer, vendor, roots, signers, changes, now, done }) => (
  <Page title={`Vendor ${vendor.name}`} viewer={viewer} section="/console/vendors">
    <DoneNotice word={done} />
    <dl class="facts">
      <dt>Id</dt>
      <dd>
        <code>{vendor.id}</code>
      </dd>
      <dt>Revocation policy</dt>
      <dd>{vendor.revocationPolicy}</dd>
      <dt>Identity rules</dt>
      <dd>{vendor.identityRules.length}</dd>
      <dt>Version</dt>
      <dd>{vendor.version}</dd>
      <dt>Updated</dt>
      <dd>
        <Time at={vendor.updatedAt} />
      </dd>
    </dl>
    {canWrite(viewer) ? (
      <p>
        <a class="button" href={paths.propose(vendor.id)}>
          Propose a root
        </a>{' '}
        <a href={`${paths.propose(vendor.id)}?kind=signer`}>Propose a pinned signer</a>
      </p>
    ) : null}

    <h2>Contacts on file</h2>
    <ContactList contacts={vendor.contacts} />

    <h2>Roots</h2>
    {roots.length === 0 ? (
      <p class="muted">No root is on file.</p>
    ) : (
      <AnchorTable anchors={roots} now={now} caption="Every root of the vendor, in every state" />
    )}

    <h2>Pinned signers</h2>
    {signers.length === 0 ? (
      <p class="muted">No pinned signer is on file.</p>
    ) : (
      <AnchorTable anchors={signers} now={now} caption="Signer certificates trusted as themselves" />
    )}

    <h2>Pending vendor changes</h2>
    {changes.length === 0 ? (
      <p class="muted">No change waits for a second admin.</p>
    ) : (
      <ChangeTable changes={changes} />
    )}
  </Page>
);

/** Orders anchors for reading: pending first (they wait for someone), then active, distrusted, retired. */
const byState = (a: Anchor, b: Anchor) =>
  ANCHOR_STATES.indexOf(a.state) - ANCHOR_STATES.indexOf(b.state) || a.subject.localeCompare(b.subject);

export function registerVendors(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const { trustAdmin } = deps;

  app.get('/vendors', async (c) => {
    const rows: VendorRow[] = [];
    for (const vendor of await trustAdmin.listVendors()) {
      const counts: Record<string, number> = {};
      for (const root of await trustAdmin.listRoots(vendor.id))
        counts[root.state] = (counts[root.state] ?? 0) + 1;
      rows.push({ vendor, counts, signers: (await trustAdmin.listSigners(vendor.id)).length });
    }
    return c.html(<VendorsPage viewer={c.get('viewer')} rows={rows} />);
  });

  app.get('/vendors/:id', async (c) => {
    const id = c.req.param('id');
    const vendor = await trustAdmin.getVendor(id);
    const [roots, signers, changes] = await Promise.all([
      trustAdmin.listRoots(id),
      trustAdmin.listSigners(id),
      trustAdmin.listVendorChanges(id),
    ]);
    return c.html(
      <VendorPage
        viewer={c.get('viewer')}
        vendor={vendor}
        roots={[...roots].sort(byState)}
        signers={[...signers].sort(byState)}
        changes={changes.filter((ch) => ch.state === 'pending')}
        now={deps.now()}
        done={c.req.query('done')}
      />,
    );
  });
}
