import { reason } from '../reasons';
import { rejectedWithoutSigner, type VerifyResult } from '../verify-package';
import { cabDigestParts, readCabLayout } from './cab';
import { withoutTrailingZeros } from './certificate-table';
import { OID_SPC_CAB_DATA } from './spc';
import {
  collect,
  type Found,
  LimitExceeded,
  limitsFor,
  type VerifyAuthenticodeRequest,
  verifyFound,
} from './verify-authenticode';

/**
 * Verifies the Authenticode signature of a Microsoft Cabinet (`image` holds the .cab's bytes): the one in
 * its CFHEADER reserve, the signatures nested in it, and an extracted PKCS#7 given beside the file. Each
 * is verified as a PE image's are (verifyFound), against the cabinet digest (cab.ts) and with content data
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
  const found: Found[] = [];
  const entryLimits = { ...verifyLimits, maxSignatureBytes: limits.maxEntryBytes };
  try {
    if (layout.signature) {
      const blob = bytes.subarray(layout.signature.offset, layout.signature.offset + layout.signature.size);
      const signature = withoutTrailingZeros(blob);
      if (signature) collect('1', signature, 0, entryLimits, limits, found);
      else
        found.push({
          id: '1',
          signature: blob,
          unreadable: reason(
            'AUTHENTICODE_ENTRY_UNREADABLE',
            "the cabinet's signature is not one DER SignedData followed only by zero padding",
          ),
        });
    }
    if (request.signature) collect('given', request.signature, 0, verifyLimits, limits, found);
  } catch (error) {
    if (error instanceof LimitExceeded) return { ok: false, code: error.code, detail: error.detail };
    throw error;
  }
  if (found.length === 0)
    return rejectedWithoutSigner([
      reason('AUTHENTICODE_UNSIGNED', 'the cabinet carries no signature, and no signature was given for it'),
    ]);
  return verifyFound(request, found, verifyLimits, entryLimits, {
    dataType: OID_SPC_CAB_DATA,
    parts: () => cabDigestParts(bytes, layout),
  });
}
