/** Small byte helpers shared by the advisory code (no Node APIs: runs in Workers too). */

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes standard base64 (whitespace ignored); null when it is not valid base64. */
export function base64ToBytes(text: string): Uint8Array | null {
  const clean = text.replace(/\s+/g, '');
  if (!BASE64_RE.test(clean)) return null;
  const padded = clean.length % 4 === 0 ? clean : clean + '='.repeat(4 - (clean.length % 4));
  if (padded.length % 4 !== 0 || clean.length % 4 === 1) return null;
  try {
    const binary = atob(padded);
    const out = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
    return out;
  } catch {
    return null;
  }
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** SHA-256 of `data` as lower-case hex, through the injected WebCrypto `SubtleCrypto`. */
export async function sha256Hex(subtle: SubtleCrypto, data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(data))));
}

export async function sha1Hex(subtle: SubtleCrypto, data: Uint8Array): Promise<string> {
  return toHex(new Uint8Array(await subtle.digest('SHA-1', new Uint8Array(data))));
}
