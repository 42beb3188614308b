import type { FC } from 'hono/jsx';
import type { ErrorCode } from '../../errors';
import type { Viewer } from '../deps';
import { Notice, Page, PageShell } from '../layout';

export interface ErrorPageProps {
  code: ErrorCode;
  detail: string;
  viewer?: Viewer | undefined;
}

/** A refusal, shown as the API states it (the same code and detail), with a way back. */
export const ErrorPage: FC<ErrorPageProps> = ({ code, detail, viewer }) => {
  const body = (
    <>
      <Notice kind="error">
        <p>
          <strong>
            <code>{code}</code>
          </strong>
          : {detail}
        </p>
      </Notice>
      <p>
        {code === 'INTERNAL' ? 'The failure was logged. ' : 'Nothing was changed by this request. '}
        <a href="/console">Back to the overview</a>
      </p>
    </>
  );
  return viewer ? (
    <Page title="Refused" viewer={viewer}>
      {body}
    </Page>
  ) : (
    <PageShell title="Refused">
      <main id="main">
        <h1>Refused</h1>
        {body}
        <p>
          <a href="/console/sign-in">Sign in</a>
        </p>
      </main>
    </PageShell>
  );
};
