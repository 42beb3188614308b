import { base64ToBytes, bytesToBase64 } from '../encoding';

/**
 * Webhook signatures as the Standard Webhooks specification (v1.0.0, symmetric scheme) defines them, so
 * that a receiver can check with any of its libraries that an event comes from this trustgate:
 *  - the secret is `whsec_` followed by the base64 of 24 to 64 random bytes; the HMAC key is those bytes;
 *  - what is signed is `{webhook-id}.{webhook-timestamp}.{body}`, the exact bytes sent;
 *  - `webhook-signature` is `v1,<base64 of HMAC-SHA256>`, one entry per secret separated by spaces (so
 *    that a secret can be rotated without downtime: sign with the new and the old one for a while).
 * Pure: the WebCrypto `subtle` is passed in.
 */

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
/** 192 bits at least, 512 at most, as the specification asks. */
export const WEBHOOK_SECRET_MIN_BYTES = 24;
export const WEBHOOK_SECRET_MAX_BYTES = 64;

export type WebhookSecretsParse =
  | { ok: true; keys: Uint8Array<ArrayBuffer>[] }
  | { ok: false; message: string };

const ORDINAL = ['1st', '2nd', '3rd'];
const ordinal = (i: number) => ORDINAL[i] ?? `${i + 1}th`;

/**
 * The HMAC keys of one or more `whsec_` secrets separated by spaces (the first signs first). A message
 * that never quotes the secret says what is wrong otherwise.
 */
export function parseWebhookSecrets(text: string): WebhookSecretsParse {
  const parts = text.trim().split(/\s+/).filter(Boolean);
  const expected = `must be ${WEBHOOK_SECRET_PREFIX} followed by the base64 of ${WEBHOOK_SECRET_MIN_BYTES} to ${WEBHOOK_SECRET_MAX_BYTES} random bytes (several separated by spaces while rotating)`;
  if (parts.length === 0) return { ok: false, message: `${expected}: it is empty` };
  const keys: Uint8Array<ArrayBuffer>[] = [];
  for (const [i, part] of parts.entries()) {
    const which = parts.length > 1 ? `the ${ordinal(i)} secret` : 'the secret';
    if (!part.startsWith(WEBHOOK_SECRET_PREFIX)) {
      return { ok: false, message: `${expected}: ${which} does not start with ${WEBHOOK_SECRET_PREFIX}` };
    }
    const bytes = base64ToBytes(part.slice(WEBHOOK_SECRET_PREFIX.length));
    if (!bytes) return { ok: false, message: `${expected}: ${which} is not base64 after the prefix` };
    if (bytes.length < WEBHOOK_SECRET_MIN_BYTES || bytes.length > WEBHOOK_SECRET_MAX_BYTES) {
      return { ok: false, message: `${expected}: ${which} has ${bytes.length} bytes` };
    }
    keys.push(new Uint8Array(bytes));
  }
  return { ok: true, keys };
}

/** What one delivery attempt signs: the event's id (the same on every retry), the attempt's time, the body. */
export interface WebhookMessage {
  id: string;
  /** Unix seconds of the attempt. */
  timestamp: number;
  /** The request body exactly as sent. */
  body: string;
}

/** The `webhook-signature` header value for a message. */
export type WebhookSigner = (message: WebhookMessage) => Promise<string>;

/** The content the specification signs; an id or timestamp that could shift the `.` separators is refused. */
export function signedContent(message: WebhookMessage): string {
  if (message.id === '' || message.id.includes('.'))
    throw new Error('a webhook id must be non-empty, without "."');
  if (!Number.isSafeInteger(message.timestamp) || message.timestamp < 0) {
    throw new Error('a webhook timestamp must be whole unix seconds');
  }
  return `${message.id}.${message.timestamp}.${message.body}`;
}

/** Signs with every key (imported once, on first use), `v1,<base64>` each, separated by spaces. */
export function createWebhookSigner(
  subtle: SubtleCrypto,
  keys: readonly Uint8Array<ArrayBuffer>[],
): WebhookSigner {
  if (keys.length === 0) throw new Error('a webhook signer needs at least one key');
  let imported: Promise<CryptoKey[]> | undefined;
  const importAll = () =>
    Promise.all(
      keys.map((key) => subtle.importKey('raw', key, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])),
    );
  return async (message) => {
    const content = new TextEncoder().encode(signedContent(message));
    imported ??= importAll().catch((error: unknown) => {
      imported = undefined;
      throw error;
    });
    const cryptoKeys = await imported;
    const macs = await Promise.all(cryptoKeys.map((key) => subtle.sign('HMAC', key, content)));
    return macs.map((mac) => `v1,${bytesToBase64(new Uint8Array(mac))}`).join(' ');
  };
}
