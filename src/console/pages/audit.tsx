import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { AuditRecord } from '../../trust';
import { AuditEntryCells } from '../anchor-views';
import {
  AUDIT_PAGE_SIZE,
  type AuditPage,
  type AuditQuery,
  loadAuditPage,
  readAuditQuery,
} from '../audit-query';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import { compactJson } from '../json-text';
import { Page, TableHead } from '../layout';
import { paths } from '../paths';

const FIELDS = [
  { name: 'vendor', label: 'Vendor id', hint: 'e.g. acme' },
  { name: 'actor', label: 'Actor (token name)', hint: 'e.g. alice' },
  { name: 'target', label: 'Target id', hint: 'a root SHA-256, feed id, case id…' },
  { name: 'action', label: 'Action starts with', hint: 'e.g. anchor. or feed.disable' },
  { name: 'since', label: 'Since', hint: 'YYYY-MM-DD or YYYY-MM-DDTHH:MM (UTC)' },
  { name: 'until', label: 'Until', hint: 'YYYY-MM-DD (the whole day) or YYYY-MM-DDTHH:MM (UTC)' },
] as const;

const BeforeAfter: FC<{ entry: AuditRecord }> = ({ entry }) => {
  if (entry.before == null && entry.after == null) return <span class="muted">—</span>;
  return (
    <details>
      <summary>Before and after</summary>
      <div class="diff">
        <div>
          <p class="label">Before</p>
          <pre>{entry.before == null ? 'nothing' : compactJson(entry.before)}</pre>
        </div>
        <div>
          <p class="label">After</p>
          <pre>{entry.after == null ? 'nothing' : compactJson(entry.after)}</pre>
        </div>
      </div>
    </details>
  );
};

/** The audit page with the same filters, from `beforeId` back (or from the newest entry). */
const auditHref = (query: AuditQuery, beforeId?: number): string => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query.form)) if (value) params.set(name, value);
  if (query.limit !== AUDIT_PAGE_SIZE) params.set('limit', String(query.limit));
  if (beforeId !== undefined) params.set('before', String(beforeId));
  const search = params.toString();
  return search ? `${paths.audit}?${search}` : paths.audit;
};

const AuditLogPage: FC<{ viewer: Viewer; query: AuditQuery; page: AuditPage }> = ({
  viewer,
  query,
  page,
}) => {
  const filtered = Object.values(query.form).some((v) => v !== '');
  return (
    <Page title="Audit log" viewer={viewer} section="/console/audit">
      <p class="muted">
        Every change to the trust store, tokens, vendors, feeds and escalation cases, newest first. The log is
        append-only: nothing here edits or deletes it.
      </p>
      <form method="get" action={paths.audit} class="filters" aria-label="Filter the audit log">
        {FIELDS.map((f) => (
          <div>
            <label for={`audit-${f.name}`}>{f.label}</label>
            <input
              type="text"
              id={`audit-${f.name}`}
              name={f.name}
              value={query.form[f.name]}
              aria-describedby={`audit-${f.name}-hint`}
            />
            <span class="hint muted" id={`audit-${f.name}-hint`}>
              {f.hint}
            </span>
          </div>
        ))}
        <div class="actions">
          <button type="submit">Filter</button>{' '}
          {filtered ? <a href={paths.audit}>Clear the filters</a> : null}
        </div>
      </form>

      <h2>{query.beforeId !== undefined ? `Entries before #${query.beforeId}` : 'Entries'}</h2>
      {page.entries.length === 0 ? (
        <p class="muted">{filtered ? 'No entry matches these filters.' : 'The audit log is empty.'}</p>
      ) : (
        <table>
          <TableHead columns={['#', 'When', 'Who', 'Action', 'Target', 'Why', 'Change']} />
          <tbody>
            {page.entries.map((e) => (
              <tr>
                <td>{e.id}</td>
                <AuditEntryCells entry={e} />
                <td>
                  {e.targetType} <code>{e.targetId}</code>
                  {e.vendorId && !(e.targetType === 'vendor' && e.targetId === e.vendorId) ? (
                    <span class="muted"> (vendor {e.vendorId})</span>
                  ) : null}
                </td>
                <td>{e.reason ?? ''}</td>
                <td>
                  <BeforeAfter entry={e} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <nav aria-label="Audit log pages" class="pager">
        {query.beforeId !== undefined ? <a href={auditHref(query)}>Newest entries</a> : null}{' '}
        {page.olderBeforeId !== null ? (
          <a href={auditHref(query, page.olderBeforeId)} rel="next">
            Older entries
          </a>
        ) : (
          <span class="muted">End of the log.</span>
        )}
      </nav>
    </Page>
  );
};

export function registerAudit(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  app.get('/audit', async (c) => {
    const query = readAuditQuery(c.req.query());
    const page = await loadAuditPage((f) => deps.trustAdmin.listAudit(f), query.filter, query.form.action);
    return c.html(<AuditLogPage viewer={c.get('viewer')} query={query} page={page} />);
  });
}
