import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { bytesToBase64Url } from '../encoding';
import { ROLES } from '../http/auth';
import type { Principal } from '../trust/tokens';
import { hashTokenSecret, roleAllows } from '../trust/tokens';
import type { ConsoleDeps, Viewer } from './deps';

export const SESSION_COOKIE = 'trustgate_session';
/** The sign-in form's own CSRF value (double-submit), before there is a session to hold one. */
export const SIGN_IN_COOKIE = 'trustgate_sign_in';
export const DEFAULT_SESSION_TTL_MS = 8 * 60 * 60 * 1000;
const COOKIE_PATH = '/console';
/** A token as the API takes it (trust/tokens.ts bearerSecret): visible ASCII, 16 to 512 characters. */
const TOKEN_SYNTAX = /^[\x21-\x7e]{16,512}$/;
/** A cookie value this console made: 32 random bytes, base64url. */
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

export const randomValue = (deps: Pick<ConsoleDeps, 'random'>): string =>
  bytesToBase64Url(deps.random(new Uint8Array(32)));

/** Secure over https; a plain-http console (localhost) cannot keep a Secure cookie. */
const isHttps = (c: Context) => new URL(c.req.url).protocol === 'https:';

const cookieOptions = (c: Context, maxAgeSeconds: number) =>
  ({
    path: COOKIE_PATH,
    httpOnly: true,
    secure: isHttps(c),
    sameSite: 'Strict',
    maxAge: maxAgeSeconds,
  }) as const;

export type SignInOutcome =
  | { ok: true; viewer: Viewer }
  | { ok: false; reason: 'malformed' | 'unknown' | 'role'; role?: Principal['role'] };

/**
 * Exchanges an API token for a session: the token must be one the API takes and of a role that may read
 * (admin or oncall); a verifier token only verifies. The cookie is set on `c`.
 */
export async function signIn(deps: ConsoleDeps, c: Context, secret: string): Promise<SignInOutcome> {
  if (!TOKEN_SYNTAX.test(secret)) return { ok: false, reason: 'malformed' };
  const tokenSecretHash = await hashTokenSecret(deps.subtle, secret);
  const principal = await deps.auth.identifyHash(tokenSecretHash);
  if (!principal) return { ok: false, reason: 'unknown' };
  if (!roleAllows(principal.role, ROLES.read)) return { ok: false, reason: 'role', role: principal.role };

  const now = deps.now();
  const ttl = deps.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS;
  const cookieValue = randomValue(deps);
  const session = {
    idHash: await hashTokenSecret(deps.subtle, cookieValue),
    tokenSecretHash,
    csrfToken: randomValue(deps),
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttl).toISOString(),
  };
  // Expired sessions are dropped as new ones open: the table holds at most a TTL's worth of sign-ins.
  await deps.sessions.deleteExpired(session.createdAt);
  await deps.sessions.insert(session);
  setCookie(c, SESSION_COOKIE, cookieValue, cookieOptions(c, Math.floor(ttl / 1000)));
  deleteCookie(c, SIGN_IN_COOKIE, { path: COOKIE_PATH, secure: isHttps(c) });
  return {
    ok: true,
    viewer: {
      principal,
      csrfToken: session.csrfToken,
      sessionIdHash: session.idHash,
      expiresAt: session.expiresAt,
    },
  };
}

export type SessionLookup =
  | { state: 'valid'; viewer: Viewer }
  /** No cookie, or one no session has. */
  | { state: 'none' }
  /** The session's time is up, or its token was revoked: sign in again. */
  | { state: 'ended'; why: 'expired' | 'token-revoked' };

/** The request's session, checked against the clock and against its token on every request. */
export async function currentSession(deps: ConsoleDeps, c: Context): Promise<SessionLookup> {
  const cookieValue = getCookie(c, SESSION_COOKIE);
  if (!cookieValue || !COOKIE_VALUE.test(cookieValue)) return { state: 'none' };
  const idHash = await hashTokenSecret(deps.subtle, cookieValue);
  const session = await deps.sessions.get(idHash);
  if (!session) return { state: 'none' };
  if (Date.parse(session.expiresAt) <= deps.now().getTime()) {
    await deps.sessions.delete(idHash);
    return { state: 'ended', why: 'expired' };
  }
  const principal = await deps.auth.identifyHash(session.tokenSecretHash);
  if (!principal || !roleAllows(principal.role, ROLES.read)) {
    await deps.sessions.delete(idHash);
    return { state: 'ended', why: 'token-revoked' };
  }
  return {
    state: 'valid',
    viewer: { principal, csrfToken: session.csrfToken, sessionIdHash: idHash, expiresAt: session.expiresAt },
  };
}

export async function signOut(deps: ConsoleDeps, c: Context, viewer: Viewer): Promise<void> {
  await deps.sessions.delete(viewer.sessionIdHash);
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH, secure: isHttps(c) });
}

/** A fresh double-submit value for the sign-in form, set as a short-lived cookie. */
export function issueSignInToken(deps: ConsoleDeps, c: Context): string {
  const value = randomValue(deps);
  setCookie(c, SIGN_IN_COOKIE, value, cookieOptions(c, 30 * 60));
  return value;
}

export const signInCookie = (c: Context): string | undefined => getCookie(c, SIGN_IN_COOKIE);
