import { reason } from '../reasons';
import { rejectedWithoutSigner, type VerifyResult } from '../verify-package';
import { cabDigestParts, readCabLayout } from './cab';
import { OID_SPC_CAB_DATA } from './spc';
import { limitsFor, type VerifyAuthenticodeRequest, verifyEmbedded } from './verify-authenticode';

/**
 * Verifies the Authenticode signature of a Microsoft Cabinet (`image` holds the .cab's bytes): the one in
 * its CFHEADER reserve, the signatures nested in it, and an extracted PKCS#7 given beside the file. Each
 * is verified as a PE image's are (verifyEmbedded), against the cabinet digest (cab.ts) and with content data
 * type SPC_CAB_DATA_OBJ; the file's verdict combines them by the same rule. See docs/authenticode.md.
 */
export async function verifyCabinet(request: VerifyAuthenticodeRequest): Promise<VerifyResult> {
  const { limits, verifyLimits, oversized } = limitsFor(request, 'cabinet');
  if (oversized) return oversized;
  const bytes = request.image;
  const read = readCabLayout(bytes, { maxEntryBytes: limits.maxEntryBytes });
  if (!read.ok) {
    if (read.kind === 'limit') return { ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED', detail: read.detail };
    return rejectedWithoutSigner([reason('AUTHENTICODE_CAB_MALFORMED', read.problem)]);
  }
  const layout = read.layout;
  const { signature } = read.layout;
  return verifyEmbedded(
    request,
    signature
      ? [
          {
            id: '1',
            bytes: bytes.subarray(signature.offset, signature.offset + signature.size),
            what: "the cabinet's signature",
          },
        ]
      : [],
    limits,
    verifyLimits,
    {
      dataType: OID_SPC_CAB_DATA,
      parts: () => cabDigestParts(bytes, layout),
      unsigned: 'the cabinet carries no signature, and no signature was given for it',
    },
  );
}
