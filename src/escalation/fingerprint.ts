/**
 * Fingerprints in the forms people use: lower-case hex for machines and URLs, colon-separated upper-case
 * pairs (`AB:CD:...`, what `openssl x509 -fingerprint` prints) to read aloud over the phone.
 */

/** Lower-case hex without separators, or `undefined` when `value` is not an even-length hex string. */
export function normaliseHex(value: string): string | undefined {
  const hex = value.replace(/[\s:]/g, '').toLowerCase();
  return hex.length > 0 && hex.length % 2 === 0 && /^[0-9a-f]+$/.test(hex) ? hex : undefined;
}

/** `ab12cd` → `AB:12:CD`; anything that is not hex gives `undefined`. */
export function colonHex(value: string): string | undefined {
  const hex = normaliseHex(value);
  return hex?.toUpperCase().match(/../g)?.join(':');
}
