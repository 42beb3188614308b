import { encodePem, findPemBlocks } from '../verify/pem';

export interface ExtractedPem {
  /** Re-wrapped PEM text of one certificate. */
  pem: string;
  der: Uint8Array;
}

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE']);

/** Certificate blocks of the text, found by the verifier's linear PEM scan (hostile feed text included). */
const certificateBlocks = (text: string) =>
  findPemBlocks(text).filter((b) => CERTIFICATE_LABELS.has(b.label));

/** Every `BEGIN CERTIFICATE` block whose body is valid base64 of a DER SEQUENCE, in order, de-duplicated. */
export function findPemCertificates(text: string, max = Number.POSITIVE_INFINITY): ExtractedPem[] {
  const out: ExtractedPem[] = [];
  const seen = new Set<string>();
  for (const { der } of certificateBlocks(text)) {
    if (out.length >= max) break;
    if (der.length < 16 || der[0] !== 0x30) continue;
    const pem = derToPem(der);
    if (seen.has(pem)) continue;
    seen.add(pem);
    out.push({ pem, der });
  }
  return out;
}

/** Removes certificate PEM blocks (so that base64 bodies are not scanned for fingerprints). */
export function withoutPemBlocks(text: string): string {
  let out = '';
  let at = 0;
  for (const block of certificateBlocks(text)) {
    out += `${text.slice(at, block.start)} `;
    at = block.end;
  }
  return out + text.slice(at);
}

export const derToPem = (der: Uint8Array): string => encodePem('CERTIFICATE', der);

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
