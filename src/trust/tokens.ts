import { bytesToBase64Url, toHex } from '../encoding';
import type { TokenRole } from './model';

/** Fills its argument with random bytes: `crypto.getRandomValues` on Node and Workers alike. */
export type RandomBytes = (bytes: Uint8Array) => Uint8Array;

/** Who made a request: a stored token, or the bootstrap admin from the environment. */
export interface Principal {
  tokenId: string;
  name: string;
  role: TokenRole;
}

/** The actor name of the `ADMIN_TOKEN` from the environment; no stored token may take it. */
export const BOOTSTRAP_ADMIN_NAME = 'bootstrap-admin';
export const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;

/** A new secret: `tg_` and 256 random bits, base64url. Shown once; only its hash is stored. */
export const newTokenSecret = (random: RandomBytes): string =>
  `tg_${bytesToBase64Url(random(new Uint8Array(32)))}`;

export const newTokenId = (random: RandomBytes): string => `tok_${toHex(random(new Uint8Array(12)))}`;

/** Lower-case hex SHA-256 of the secret as sent in `Authorization: Bearer <secret>`. */
export async function hashTokenSecret(subtle: SubtleCrypto, secret: string): Promise<string> {
  return toHex(new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(secret))));
}

/** The secret of a `Bearer` Authorization header, or null when there is none or it is malformed. */
export function bearerSecret(header: string | undefined): string | null {
  const match = /^Bearer +([\x21-\x7e]{16,512})$/i.exec(header?.trim() ?? '');
  return match?.[1] ?? null;
}

export const roleAllows = (role: TokenRole, allowed: readonly TokenRole[]): boolean => allowed.includes(role);
