import type { Child, FC } from 'hono/jsx';
import type { Viewer } from './deps';

/** The console's sections, in the order of the navigation bar. */
export const SECTIONS = [
  { path: '/console', label: 'Overview' },
  { path: '/console/cases', label: 'Cases' },
  { path: '/console/approvals', label: 'Approvals' },
  { path: '/console/vendors', label: 'Vendors' },
  { path: '/console/candidates', label: 'Candidates' },
  { path: '/console/feeds', label: 'Feeds' },
  { path: '/console/audit', label: 'Audit log' },
  { path: '/console/api', label: 'API reference' },
] as const;

export type Section = (typeof SECTIONS)[number]['path'];

/** A hidden field with the session's CSRF token: every console form carries one. */
export const CsrfField: FC<{ viewer: Viewer }> = ({ viewer }) => (
  <input type="hidden" name="_csrf" value={viewer.csrfToken} />
);

export type NoticeKind = 'info' | 'ok' | 'warn' | 'error';

/** A message at the top of a page; errors are announced to screen readers at once. */
export const Notice: FC<{ kind?: NoticeKind; children?: Child }> = ({ kind = 'info', children }) => (
  <div class={`notice ${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
    {children}
  </div>
);

export const PageShell: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>{`${title} · trustgate`}</title>
      <link rel="stylesheet" href="/console/assets/console.css" />
      <link rel="icon" type="image/svg+xml" href="/console/assets/icon.svg" />
    </head>
    <body>
      <a class="skip" href="#main">
        Skip to content
      </a>
      {children}
    </body>
  </html>
);

/** A signed-in page: navigation, who is signed in, sign-out, then the page's own content under one h1. */
export const Page: FC<{ title: string; viewer: Viewer; section?: Section; children?: Child }> = ({
  title,
  viewer,
  section,
  children,
}) => (
  <PageShell title={title}>
    <header class="top">
      <a class="brand" href="/console">
        trustgate
      </a>
      <nav aria-label="Console sections">
        <ul>
          {SECTIONS.map((s) => (
            <li>
              <a href={s.path} aria-current={s.path === section ? 'page' : undefined}>
                {s.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="who">
        <span>
          {viewer.principal.name} <span class="muted-inverse">({viewer.principal.role})</span>
        </span>
        <form method="post" action="/console/sign-out" class="inline">
          <CsrfField viewer={viewer} />
          <button type="submit">Sign out</button>
        </form>
      </div>
    </header>
    <main id="main" tabindex={-1}>
      <h1>{title}</h1>
      {children}
    </main>
  </PageShell>
);

/** Lower-case hex as colon-separated upper-case byte pairs: how a fingerprint is compared by eye. */
export const colonHex = (hex: string): string => (hex.toUpperCase().match(/.{1,2}/g) ?? []).join(':');

/** Hex in groups of four, for reading aloud over the phone. */
export const spokenGroups = (hex: string): string[] => hex.toUpperCase().match(/.{1,4}/g) ?? [];

export const Fingerprint: FC<{ hex: string }> = ({ hex }) => <code class="fingerprint">{colonHex(hex)}</code>;

export const StateBadge: FC<{ state: string }> = ({ state }) => (
  <span class={`badge state-${state}`}>{state}</span>
);

/** An instant as UTC text, in a <time> element carrying the ISO form. */
export const Time: FC<{ at: string | null | undefined }> = ({ at }) =>
  at ? (
    <time datetime={at}>{at.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')}</time>
  ) : (
    <span class="muted">never</span>
  );

/** A table's header row: one column header per name, scoped to its column for screen readers. */
export const TableHead: FC<{ columns: readonly string[] }> = ({ columns }) => (
  <thead>
    <tr>
      {columns.map((name) => (
        <th scope="col">{name}</th>
      ))}
    </tr>
  </thead>
);
