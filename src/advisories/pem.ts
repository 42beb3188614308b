import { base64ToBytes, bytesToBase64 } from './bytes';

export interface ExtractedPem {
  /** Re-wrapped PEM text of one certificate. */
  pem: string;
  der: Uint8Array;
}

const PEM_BLOCK = /-----BEGIN (X509 )?CERTIFICATE-----([\s\S]*?)-----END \1?CERTIFICATE-----/g;

/** Every `BEGIN CERTIFICATE` block whose body is valid base64 of a DER SEQUENCE, in order, de-duplicated. */
export function findPemCertificates(text: string, max = Number.POSITIVE_INFINITY): ExtractedPem[] {
  const out: ExtractedPem[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (out.length >= max) break;
    const der = base64ToBytes(m[2] ?? '');
    if (!der || der.length < 16 || der[0] !== 0x30) continue;
    const pem = derToPem(der);
    if (seen.has(pem)) continue;
    seen.add(pem);
    out.push({ pem, der });
  }
  return out;
}

/** Removes PEM blocks (so that base64 bodies are not scanned for fingerprints). */
export function withoutPemBlocks(text: string): string {
  return text.replace(PEM_BLOCK, ' ');
}

export function derToPem(der: Uint8Array): string {
  const b64 = bytesToBase64(der);
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * A fetched certificate file: PEM text (one or more certificates) or a single DER certificate.
 * Returns the certificates found, possibly none.
 */
export function certificatesFromFile(bytes: Uint8Array, max: number): ExtractedPem[] {
  const text = new TextDecoder('utf-8').decode(bytes);
  if (text.includes('-----BEGIN')) return findPemCertificates(text, max);
  if (bytes[0] === 0x30 && bytes.length >= 16) return [{ pem: derToPem(bytes), der: bytes }];
  return [];
}
