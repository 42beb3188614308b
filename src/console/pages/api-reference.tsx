import type { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import type { ConsoleDeps, ConsoleEnv, Viewer } from '../deps';
import { Notice, Page, TableHead } from '../layout';
import {
  type ApiView,
  type FieldView,
  type MediaView,
  type OperationView,
  readApi,
  rolesIn,
} from '../openapi-view';

const Fields: FC<{ fields: FieldView[]; caption: string }> = ({ fields, caption }) => (
  <table>
    <caption class="muted">{caption}</caption>
    <TableHead columns={['Field', 'Type', 'Required', 'Description']} />
    <tbody>
      {fields.map((f) => (
        <tr>
          <td>
            <code>{f.name}</code>
          </td>
          <td>{f.type}</td>
          <td>{f.required ? 'yes' : 'no'}</td>
          <td>{f.description ?? ''}</td>
        </tr>
      ))}
    </tbody>
  </table>
);

const Media: FC<{ media: MediaView[]; what: string }> = ({ media, what }) =>
  media.length === 0 ? null : (
    <ul class="media">
      {media.map((m) => (
        <li>
          <code>{m.mediaType}</code>: {m.type}
          {m.fields.length > 0 ? (
            <Fields fields={m.fields} caption={`${what} fields (${m.mediaType})`} />
          ) : null}
        </li>
      ))}
    </ul>
  );

const Security: FC<{ op: OperationView }> = ({ op }) => {
  const roles = rolesIn(op.summary);
  if (op.security === null) {
    return (
      <p>
        Token: none declared
        {op.responses.some((r) => r.status === '401')
          ? ' (it answers 401, so a deployment may still require one)'
          : ''}
        .
      </p>
    );
  }
  return (
    <p>
      Token: <code>Authorization: Bearer …</code> ({op.security.join(' or ')})
      {roles ? <>; roles: {roles}</> : null}.
    </p>
  );
};

const Operation: FC<{ op: OperationView }> = ({ op }) => (
  <section aria-labelledby={op.anchor}>
    <h3 id={op.anchor}>
      <span class="method">{op.method}</span> <code>{op.path}</code>
      {op.deprecated ? <span class="muted"> (deprecated)</span> : null}
    </h3>
    {op.summary ? <p>{op.summary}</p> : null}
    {op.description ? <p class="muted">{op.description}</p> : null}
    <Security op={op} />
    {op.parameters.length > 0 ? (
      <table>
        <caption class="muted">Parameters</caption>
        <TableHead columns={['Name', 'In', 'Type', 'Required', 'Description']} />
        <tbody>
          {op.parameters.map((p) => (
            <tr>
              <td>
                <code>{p.name}</code>
              </td>
              <td>{p.in}</td>
              <td>{p.type}</td>
              <td>{p.required ? 'yes' : 'no'}</td>
              <td>{p.description ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    ) : null}
    {op.requestBody ? (
      <div>
        <p>
          <strong>Request body</strong> ({op.requestBody.required ? 'required' : 'optional'})
          {op.requestBody.description ? `: ${op.requestBody.description}` : ''}
        </p>
        <Media media={op.requestBody.media} what="Request" />
      </div>
    ) : null}
    <table>
      <caption class="muted">Responses</caption>
      <TableHead columns={['Status', 'Description', 'Body']} />
      <tbody>
        {op.responses.map((r) => (
          <tr>
            <td>
              <code>{r.status}</code>
            </td>
            <td>{r.description}</td>
            <td>
              {r.media.length === 0 ? (
                <span class="muted">none</span>
              ) : (
                r.media.map((m) => (
                  <div>
                    <code>{m.mediaType}</code>: {m.type}
                  </div>
                ))
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  </section>
);

/** Operations grouped by their path's first segment, in the document's order. */
const groupsOf = (api: ApiView): [string, OperationView[]][] => {
  const groups = new Map<string, OperationView[]>();
  for (const op of api.operations) {
    const key = `/${op.path.split('/')[1] ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), op]);
  }
  return [...groups];
};

const groupAnchor = (key: string) =>
  `group-${key.replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'root'}`;

const ApiReferencePage: FC<{ viewer: Viewer; api: ApiView }> = ({ viewer, api }) => {
  const groups = groupsOf(api);
  return (
    <Page title="API reference" viewer={viewer} section="/console/api">
      <p>
        {api.title}
        {api.version ? ` ${api.version}` : ''}, from the document this service serves at{' '}
        <a href="/openapi.json">/openapi.json</a>.
      </p>
      {api.description ? <p class="muted">{api.description}</p> : null}
      {api.operations.length === 0 ? (
        <Notice kind="warn">The OpenAPI document lists no operation.</Notice>
      ) : (
        <>
          <h2 id="contents">Contents</h2>
          <ul class="toc">
            {groups.map(([key, ops]) => (
              <li>
                <a href={`#${groupAnchor(key)}`}>{key}</a>
                <ul>
                  {ops.map((op) => (
                    <li>
                      <a href={`#${op.anchor}`}>
                        <span class="method">{op.method}</span> {op.path}
                      </a>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
          {groups.map(([key, ops]) => (
            <>
              <h2 id={groupAnchor(key)}>
                <code>{key}</code>
              </h2>
              {ops.map((op) => (
                <Operation op={op} />
              ))}
              <p>
                <a href="#contents">Back to the contents</a>
              </p>
            </>
          ))}
        </>
      )}
    </Page>
  );
};

export function registerApiReference(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  app.get('/api', (c) =>
    c.html(<ApiReferencePage viewer={c.get('viewer')} api={readApi(deps.openApiDocument())} />),
  );
}
