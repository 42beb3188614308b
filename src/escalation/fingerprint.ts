/**
 * Fingerprints in the forms people use: lower-case hex for machines and URLs, colon-separated upper-case
 * pairs (`AB:CD:...`, what `openssl x509 -fingerprint` prints) to read aloud over the phone.
 */
import { normalizeHexFingerprint } from '../encoding';

/** Lower-case hex without separators, or `undefined` (the case views' absent value) when not hex. */
export const normaliseHex = (value: string): string | undefined =>
  normalizeHexFingerprint(value) ?? undefined;

/** `ab12cd` → `AB:12:CD`; anything that is not hex gives `undefined`. */
export function colonHex(value: string): string | undefined {
  const hex = normaliseHex(value);
  return hex?.toUpperCase().match(/../g)?.join(':');
}
