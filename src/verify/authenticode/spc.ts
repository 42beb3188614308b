import { children, DerError, decodeOid, parseDer, TAG } from '../der';

/**
 * SpcIndirectDataContent (Authenticode specification):
 *
 *   SpcIndirectDataContent ::= SEQUENCE { data SpcAttributeTypeAndOptionalValue, messageDigest DigestInfo }
 *   SpcAttributeTypeAndOptionalValue ::= SEQUENCE { type OBJECT IDENTIFIER, value ANY OPTIONAL }
 *   DigestInfo ::= SEQUENCE { digestAlgorithm AlgorithmIdentifier, digest OCTET STRING }
 *
 * For a PE image `type` is SPC_PE_IMAGE_DATAOBJ and `value` an SpcPeImageData (a SEQUENCE: flags and an
 * optional link, e.g. to page hashes, which are not read). For a cabinet `type` is SPC_CAB_DATA_OBJ and
 * `value` an SpcLink (a CHOICE of context tags [0] url, [1] moniker, [2] file; signing tools write the
 * "<<<Obsolete>>>" file link), which is not read further. Read in DER, nothing left over.
 */

export const OID_SPC_PE_IMAGE_DATA = '1.3.6.1.4.1.311.2.1.15';
export const OID_SPC_CAB_DATA = '1.3.6.1.4.1.311.2.1.25';

const DATA_TYPE_NAMES: Record<string, string> = {
  [OID_SPC_PE_IMAGE_DATA]: 'SPC_PE_IMAGE_DATAOBJ (a PE image)',
  [OID_SPC_CAB_DATA]: 'SPC_CAB_DATA_OBJ (a cabinet)',
};
/** SpcLink's alternatives: [0] IMPLICIT IA5String, [1] IMPLICIT SpcSerializedObject, [2] EXPLICIT SpcString. */
const SPC_LINK_TAGS = new Set([0x80, 0xa1, 0xa2]);

export interface SpcIndirectData {
  digestAlgorithmOid: string;
  digest: Uint8Array;
}

export function readSpcIndirectData(
  der: Uint8Array,
  expectedType: string = OID_SPC_PE_IMAGE_DATA,
): { ok: true; value: SpcIndirectData } | { ok: false; problem: string } {
  try {
    const root = parseDer(der);
    if (root.tag !== TAG.SEQUENCE) return { ok: false, problem: 'it is not a SEQUENCE' };
    const [data, digestInfo, ...rest] = children(root);
    if (!data || !digestInfo || rest.length > 0 || data.tag !== TAG.SEQUENCE)
      return { ok: false, problem: 'it is not { data, messageDigest }' };
    const [type, value, ...more] = children(data);
    if (more.length > 0) return { ok: false, problem: 'its data has unexpected fields' };
    const dataType = decodeOid(type);
    if (dataType !== expectedType)
      return {
        ok: false,
        problem: `its data type is ${dataType}, not ${DATA_TYPE_NAMES[expectedType] ?? expectedType}`,
      };
    if (expectedType === OID_SPC_PE_IMAGE_DATA && (!value || value.tag !== TAG.SEQUENCE))
      return { ok: false, problem: 'its SpcPeImageData is missing' };
    if (expectedType === OID_SPC_CAB_DATA && (!value || !SPC_LINK_TAGS.has(value.tag)))
      return { ok: false, problem: 'its value is not an SpcLink' };
    if (digestInfo.tag !== TAG.SEQUENCE)
      return { ok: false, problem: 'its messageDigest is not a DigestInfo' };
    const [algorithm, digest, ...after] = children(digestInfo);
    if (
      !algorithm ||
      algorithm.tag !== TAG.SEQUENCE ||
      !digest ||
      digest.tag !== TAG.OCTET_STRING ||
      after.length > 0
    )
      return { ok: false, problem: 'its messageDigest is not a DigestInfo' };
    const [oid, parameters, ...extra] = children(algorithm);
    if (extra.length > 0 || (parameters && (parameters.tag !== TAG.NULL || parameters.value.length > 0)))
      return { ok: false, problem: 'its digest AlgorithmIdentifier has unexpected parameters' };
    return { ok: true, value: { digestAlgorithmOid: decodeOid(oid), digest: digest.value } };
  } catch (error) {
    if (error instanceof DerError) return { ok: false, problem: error.message };
    throw error;
  }
}
