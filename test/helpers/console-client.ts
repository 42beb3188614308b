/**
 * A console user without a browser: signs in with a token through the sign-in form (its double-submit
 * cookie included) and keeps the session cookie and CSRF token for the next requests, as a browser would;
 * redirects are answered, not followed (a worker's fetch would follow them without the cookie).
 */
interface RequestingApp {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

const ORIGIN = 'http://localhost';

/** The value of `name` in the Set-Cookie headers of `response`, if it set one. */
function setCookieValue(response: Response, name: string): string | undefined {
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const [key, value] = (pair ?? '').split('=');
    if (key?.trim() === name) return value ?? '';
  }
  return undefined;
}

/** The `_csrf` hidden field of a console page. */
export const csrfOf = (html: string): string | undefined => /name="_csrf" value="([^"]+)"/.exec(html)?.[1];

export interface ConsoleClient {
  /** The Cookie header this client sends. */
  cookie: string;
  /** The session's CSRF token, read from the last page. */
  csrf: string;
  get(path: string): Promise<Response>;
  /** A form post with this session's CSRF token (unless `fields._csrf` is given). */
  post(path: string, fields?: Record<string, string>): Promise<Response>;
}

export async function signInToConsole(app: RequestingApp, token: string): Promise<ConsoleClient> {
  const form = await app.request(`${ORIGIN}/console/sign-in`);
  const signInCookie = setCookieValue(form, 'trustgate_sign_in');
  const formCsrf = csrfOf(await form.text());
  if (!signInCookie || !formCsrf) throw new Error('the sign-in form set no CSRF cookie or field');
  const signedIn = await app.request(`${ORIGIN}/console/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      cookie: `trustgate_sign_in=${signInCookie}`,
    },
    body: new URLSearchParams({ _csrf: formCsrf, token, next: '/console' }),
  });
  const session = setCookieValue(signedIn, 'trustgate_session');
  if (signedIn.status !== 303 || !session) {
    throw new Error(`sign-in failed: ${signedIn.status} ${await signedIn.text()}`);
  }
  const client: ConsoleClient = {
    cookie: `trustgate_session=${session}`,
    csrf: '',
    async get(path) {
      const response = await app.request(`${ORIGIN}${path}`, {
        redirect: 'manual',
        headers: { cookie: client.cookie },
      });
      const html = await response.clone().text();
      client.csrf = csrfOf(html) ?? client.csrf;
      return response;
    },
    post(path, fields = {}) {
      return Promise.resolve(
        app.request(`${ORIGIN}${path}`, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: client.cookie },
          body: new URLSearchParams({ _csrf: client.csrf, ...fields }),
        }),
      );
    },
  };
  await client.get('/console');
  if (!client.csrf) throw new Error('the overview carried no CSRF token');
  return client;
}
