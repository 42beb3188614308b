import { toHex } from '../encoding';
import { children, type DerNode, decodeOid, derTry, expectTag, parseDer, TAG } from './der';

const OID_SKI = '2.5.29.14';

/**
 * Serial, issuer and subject key identifier of a DER certificate that fails the profile checks of
 * `parseCertificate` (a duplicate extension, a negative serial, ...): only to recognise which certificate
 * a signer names, so that its defect can be the reason given. Read from the exact bytes received, by
 * position, without trusting anything else in them. Null when even that cannot be read; `skiHex` is
 * 'unreadable' when the certificate has a subject key identifier extension whose value does not read
 * (it may be the one a signer names).
 */
export function certificateIdentity(
  der: Uint8Array,
): { serialHex: string; issuerRaw: Uint8Array; skiHex: string | null | 'unreadable' } | null {
  return derTry(() => {
    const [tbsNode] = children(expectTag(parseDer(der), TAG.SEQUENCE, 'Certificate'));
    const tbs = children(expectTag(tbsNode, TAG.SEQUENCE, 'TBSCertificate'));
    let i = tbs[0]?.tag === 0xa0 ? 1 : 0;
    const serial = expectTag(tbs[i++], TAG.INTEGER, 'serialNumber');
    i++; // signature
    const issuer = expectTag(tbs[i++], TAG.SEQUENCE, 'issuer');
    const extensions = tbs.find((node) => node.tag === 0xa3);
    return {
      serialHex: toHex(serial.value),
      issuerRaw: issuer.raw,
      skiHex: extensions ? skiOf(extensions) : null,
    };
  });
}

function skiOf(wrapper: DerNode): string | 'unreadable' | null {
  for (const extension of children(expectTag(children(wrapper)[0], TAG.SEQUENCE, 'Extensions'))) {
    const parts = children(extension);
    if (decodeOid(parts[0]) !== OID_SKI) continue;
    const value = parts[parts.length - 1];
    const inner = value?.tag === TAG.OCTET_STRING ? derTry(() => parseDer(value.value)) : null;
    return inner?.tag === TAG.OCTET_STRING ? toHex(inner.value) : 'unreadable';
  }
  return null;
}
