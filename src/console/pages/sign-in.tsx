import type { FC } from 'hono/jsx';
import { Notice, type NoticeKind, PageShell } from '../layout';

export interface SignInPageProps {
  /** The double-submit value the form sends back as `_csrf`. */
  csrf: string;
  /** The console path to go to once signed in. */
  next: string;
  message?: { kind: NoticeKind; text: string } | undefined;
}

export const SignInPage: FC<SignInPageProps> = ({ csrf, next, message }) => (
  <PageShell title="Sign in">
    <main id="main" class="sign-in">
      <h1>Sign in to the trustgate console</h1>
      {message ? <Notice kind={message.kind}>{message.text}</Notice> : null}
      <p>
        Paste an API token of the role <strong>admin</strong> or <strong>oncall</strong>. The token is
        exchanged for a session of this browser; it is not kept here, and revoking it ends the session.
      </p>
      <form method="post" action="/console/sign-in" class="stack">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="next" value={next} />
        <div>
          <label for="token">API token</label>
          <input
            id="token"
            name="token"
            type="password"
            autocomplete="off"
            required
            spellcheck={false}
            aria-describedby="token-help"
          />
          <p id="token-help" class="muted">
            Issued with <code>POST /admin/tokens</code> (or <code>ADMIN_TOKEN</code> of this deployment).
          </p>
        </div>
        <div>
          <button type="submit">Sign in</button>
        </div>
      </form>
    </main>
  </PageShell>
);
