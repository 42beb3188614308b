import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { toHex } from './pem';

const OID_SKI = '2.5.29.14';

/**
 * Issuer, serial and SKI of a certificate read leniently by pkijs: only to recognise which certificate a
 * signer names when that certificate fails strict parsing, never to trust it.
 */
export function lenientIdentity(
  der: Uint8Array,
): { serialHex: string; issuerRaw: Uint8Array; skiHex: string | null } | null {
  try {
    const certificate = pkijs.Certificate.fromBER(new Uint8Array(der));
    const skiExtension = certificate.extensions?.find((e) => e.extnID === OID_SKI);
    const skiValue = skiExtension
      ? asn1js.fromBER(skiExtension.extnValue.valueBlock.valueHexView).result
      : null;
    return {
      serialHex: toHex(new Uint8Array(certificate.serialNumber.valueBlock.valueHexView)),
      issuerRaw: new Uint8Array(certificate.issuer.toSchema().toBER()),
      skiHex:
        skiValue instanceof asn1js.OctetString
          ? toHex(new Uint8Array(skiValue.valueBlock.valueHexView))
          : null,
    };
  } catch {
    return null;
  }
}
