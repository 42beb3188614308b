import * as asn1js from 'asn1js';

/**
 * asn1js.fromBER, made total: some malformed inputs make asn1js throw rather than report an error, so
 * every parse of caller-supplied bytes goes through here. Null unless the bytes are exactly one element.
 */
export function parseBer(bytes: Uint8Array | ArrayBuffer): asn1js.AsnType | null {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  try {
    const parsed = asn1js.fromBER(view);
    if (parsed.offset === -1 || parsed.offset !== view.byteLength) return null;
    return parsed.result;
  } catch {
    return null;
  }
}
