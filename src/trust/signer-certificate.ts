import { decodePemBlocks, isParseError, type ParsedCertificate, parseCertificate } from '../verify';

/**
 * Finds, in a CMS SignedData, the certificate whose SHA-256 is `sha256` (the signer the verifier already
 * chose), so that identity rules can read its subject and subjectAltName. It walks only the structure
 * ContentInfo > [0] SignedData > certificates [0] and accepts a certificate only when its bytes hash to
 * the given fingerprint, so it can never pick another certificate than the one the verifier validated.
 * Returns null when it cannot find it: callers must then fail closed.
 *
 * TODO(verify): once VerifyOutcome carries the signer certificate's DER, use that and drop this file.
 */
export async function findCertificateInCms(
  subtle: SubtleCrypto,
  signature: Uint8Array,
  sha256: string,
): Promise<ParsedCertificate | null> {
  const der = unarmour(signature);
  if (!der) return null;
  const contentInfo = readTlv(der, 0, der.length, 0);
  if (contentInfo?.tag !== 0x30) return null;
  const explicit = childrenOf(der, contentInfo)?.[1];
  if (explicit?.tag !== 0xa0) return null;
  const signedData = childrenOf(der, explicit)?.[0];
  if (signedData?.tag !== 0x30) return null;
  const certificates = childrenOf(der, signedData)?.find((node) => node.tag === 0xa0);
  if (!certificates) return null;
  for (const node of childrenOf(der, certificates) ?? []) {
    if (node.tag !== 0x30 || node.indefinite) continue;
    const bytes = der.subarray(node.start, node.end);
    const digest = new Uint8Array(await subtle.digest('SHA-256', new Uint8Array(bytes)));
    if (hex(digest) !== sha256) continue;
    const parsed = parseCertificate(bytes);
    return isParseError(parsed) ? null : parsed;
  }
  return null;
}

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

function unarmour(input: Uint8Array): Uint8Array | null {
  const head = new TextDecoder().decode(input.subarray(0, 256));
  if (!/-----BEGIN /.test(head)) return input;
  const blocks = decodePemBlocks(new TextDecoder().decode(input)).filter((b) =>
    ['PKCS7', 'CMS', 'PKCS #7 SIGNED DATA'].includes(b.label),
  );
  return blocks.length === 1 ? (blocks[0]?.der ?? null) : null;
}

interface Tlv {
  tag: number;
  /** Offset of the tag byte. */
  start: number;
  /** Offset of the first content byte. */
  contentStart: number;
  /** Offset after the content (after the end-of-contents octets when indefinite). */
  end: number;
  contentEnd: number;
  indefinite: boolean;
}

const MAX_DEPTH = 16;

/** One BER TLV (low tag numbers only, which is all CMS uses) within [offset, limit). */
function readTlv(bytes: Uint8Array, offset: number, limit: number, depth: number): Tlv | null {
  if (depth > MAX_DEPTH || offset + 2 > limit) return null;
  const tag = bytes[offset] as number;
  if ((tag & 0x1f) === 0x1f) return null;
  let lengthByte = bytes[offset + 1] as number;
  let cursor = offset + 2;
  if (lengthByte === 0x80) {
    if ((tag & 0x20) === 0) return null;
    let child = cursor;
    while (child + 2 <= limit && !(bytes[child] === 0 && bytes[child + 1] === 0)) {
      const node = readTlv(bytes, child, limit, depth + 1);
      if (!node) return null;
      child = node.end;
    }
    if (child + 2 > limit) return null;
    return { tag, start: offset, contentStart: cursor, contentEnd: child, end: child + 2, indefinite: true };
  }
  let length = lengthByte;
  if (lengthByte & 0x80) {
    lengthByte &= 0x7f;
    if (lengthByte > 4 || cursor + lengthByte > limit) return null;
    length = 0;
    for (let i = 0; i < lengthByte; i++) length = length * 256 + (bytes[cursor++] as number);
  }
  if (cursor + length > limit) return null;
  return {
    tag,
    start: offset,
    contentStart: cursor,
    contentEnd: cursor + length,
    end: cursor + length,
    indefinite: false,
  };
}

function childrenOf(bytes: Uint8Array, node: Tlv): Tlv[] | null {
  if ((node.tag & 0x20) === 0) return null;
  const out: Tlv[] = [];
  let offset = node.contentStart;
  while (offset < node.contentEnd) {
    const child = readTlv(bytes, offset, node.contentEnd, 1);
    if (!child) return null;
    out.push(child);
    offset = child.end;
  }
  return out;
}
