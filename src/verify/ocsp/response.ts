import { toHex } from '../../encoding';
import {
  children,
  countChildren,
  DerError,
  type DerNode,
  decodeBitString,
  decodeBoolean,
  decodeOid,
  decodeSmallInt,
  decodeTime,
  expectTag,
  fail,
  parseDer,
  parseNested,
  sequence,
  TAG,
} from '../der';
import { parseName, type X500Name } from '../path/names';
import { sha256 } from '../sync-hash';
import { type CertId, readCertId } from './cert-id';
import { OID_OCSP_NONCE } from './request';

/**
 * Strict reading of an OCSPResponse (RFC 6960 §4.2.1) carrying a BasicOCSPResponse, with the project's DER
 * reader: BER, trailing bytes, an explicit default version and unknown response types are refused. The
 * signed bytes (tbsResponseData) are kept exactly as received. Nothing here checks a signature or a time:
 * that is `ocspStatus`'s job.
 */

export const OID_PKIX_OCSP_BASIC = '1.3.6.1.5.5.7.48.1.1';
/** id-pkix-ocsp-extended-revoke (RFC 6960 §4.4.8): only says how "revoked" may be used; nothing to do. */
const OID_OCSP_EXTENDED_REVOKE = '1.3.6.1.5.5.7.48.1.9';
/** id-pkix-ocsp-crl (RFC 6960 §4.4.2): a pointer to a CRL, informative only. */
const OID_OCSP_CRL = '1.3.6.1.5.5.7.48.1.3';
const UNDERSTOOD_RESPONSE_EXTENSIONS: ReadonlySet<string> = new Set([
  OID_OCSP_NONCE,
  OID_OCSP_EXTENDED_REVOKE,
]);
const UNDERSTOOD_SINGLE_EXTENSIONS: ReadonlySet<string> = new Set([OID_OCSP_CRL]);

/** Bounds on what one response may hold: real responses carry one SingleResponse and zero to two certs. */
export const OCSP_LIMITS = {
  maxResponseBytes: 64 * 1024,
  maxSingleResponses: 16,
  maxCertificates: 4,
  maxExtensions: 16,
};

export const RESPONSE_STATUS_NAMES: Record<number, string> = {
  0: 'successful',
  1: 'malformedRequest',
  2: 'internalError',
  3: 'tryLater',
  5: 'sigRequired',
  6: 'unauthorized',
};

export type ResponderId = { kind: 'name'; name: X500Name } | { kind: 'key'; keyHash: Uint8Array };

export type CertStatus =
  | { kind: 'good' }
  | { kind: 'revoked'; date: Date; reasonCode: number | null }
  | { kind: 'unknown' };

export interface SingleResponse {
  certId: CertId;
  status: CertStatus;
  thisUpdate: Date;
  nextUpdate: Date | null;
  /** An unknown critical singleExtension: the entry cannot be relied on. */
  unusable: string | null;
}

export interface BasicOcspResponse {
  /** SHA-256 (hex) of the whole OCSPResponse DER. */
  sha256Hex: string;
  /** DER of tbsResponseData: the signed bytes. */
  tbs: Uint8Array;
  signatureAlgorithm: Uint8Array;
  signatureValue: Uint8Array;
  responderId: ResponderId;
  producedAt: Date;
  responses: SingleResponse[];
  /** The nonce's value (contents of the OCTET STRING in extnValue), or null when absent. */
  nonce: Uint8Array | null;
  /** Each certificate in `certs`, as received (DER). */
  certificates: Uint8Array[];
  /** An unknown critical response extension: the response cannot be relied on. */
  unusable: string | null;
}

export type OcspResponseRead =
  | { ok: true; response: BasicOcspResponse }
  | { ok: false; why: string; responseStatus?: number };

function extensions(node: DerNode, understood: ReadonlySet<string>) {
  const wrapper = children(node);
  if (wrapper.length !== 1) fail('bad extensions field');
  const list = expectTag(wrapper[0], TAG.SEQUENCE, 'Extensions');
  if (countChildren(list) > OCSP_LIMITS.maxExtensions)
    fail(`more than ${OCSP_LIMITS.maxExtensions} extensions`);
  const items = children(list);
  if (items.length === 0) fail('empty Extensions');
  const seen = new Map<string, Uint8Array>();
  let unusable: string | null = null;
  for (const item of items) {
    const parts = sequence(item, 'Extension');
    const oid = decodeOid(parts[0]);
    let j = 1;
    let critical = false;
    if (parts[j]?.tag === TAG.BOOLEAN) {
      critical = decodeBoolean(parts[j] as DerNode);
      if (!critical) fail('critical FALSE must be omitted in DER');
      j++;
    }
    const value = expectTag(parts[j++], TAG.OCTET_STRING, 'extnValue').value;
    if (j !== parts.length) fail('Extension has extra fields');
    if (seen.has(oid)) fail(`extension ${oid} appears twice`);
    seen.set(oid, value);
    if (critical && !understood.has(oid)) unusable = `unknown critical extension ${oid}`;
  }
  return { values: seen, unusable };
}

function generalizedTime(node: DerNode | undefined, what: string): Date {
  expectTag(node, TAG.GENERALIZED_TIME, what);
  return decodeTime(node);
}

function certStatus(node: DerNode | undefined): CertStatus {
  if (node?.tag === 0x80) {
    if (node.value.length !== 0) fail('good must be NULL');
    return { kind: 'good' };
  }
  if (node?.tag === 0x82) {
    if (node.value.length !== 0) fail('unknown must be NULL');
    return { kind: 'unknown' };
  }
  if (node?.tag === 0xa1) {
    const parts = children(node);
    const date = generalizedTime(parts[0], 'revocationTime');
    let reasonCode: number | null = null;
    if (parts[1]) {
      if (parts[1].tag !== 0xa0) fail('bad revocationReason');
      const inner = children(parts[1]);
      if (inner.length !== 1) fail('bad revocationReason');
      reasonCode = decodeSmallInt(inner[0], TAG.ENUMERATED);
    }
    if (parts.length > 2) fail('RevokedInfo has extra fields');
    return { kind: 'revoked', date, reasonCode };
  }
  return fail('bad CertStatus');
}

function singleResponse(node: DerNode): SingleResponse {
  const parts = sequence(node, 'SingleResponse');
  let i = 0;
  const certId = readCertId(parts[i++]);
  const status = certStatus(parts[i++]);
  const thisUpdate = generalizedTime(parts[i++], 'thisUpdate');
  let nextUpdate: Date | null = null;
  if (parts[i]?.tag === 0xa0) {
    const inner = children(parts[i++] as DerNode);
    if (inner.length !== 1) fail('bad nextUpdate');
    nextUpdate = generalizedTime(inner[0], 'nextUpdate');
  }
  let unusable: string | null = null;
  if (parts[i]?.tag === 0xa1)
    unusable = extensions(parts[i++] as DerNode, UNDERSTOOD_SINGLE_EXTENSIONS).unusable;
  if (i !== parts.length) fail('SingleResponse has extra fields');
  return { certId, status, thisUpdate, nextUpdate, unusable };
}

function responderId(node: DerNode | undefined): ResponderId {
  if (node?.tag === 0xa1) {
    const inner = children(node);
    if (inner.length !== 1) fail('bad ResponderID byName');
    return { kind: 'name', name: parseName(inner[0]) };
  }
  if (node?.tag === 0xa2) {
    const inner = children(node);
    if (inner.length !== 1) fail('bad ResponderID byKey');
    const keyHash = expectTag(inner[0], TAG.OCTET_STRING, 'KeyHash').value;
    if (keyHash.length !== 20) fail('KeyHash is not a SHA-1 hash');
    return { kind: 'key', keyHash };
  }
  return fail('bad ResponderID');
}

function basicResponse(der: Uint8Array, bytes: Uint8Array): BasicOcspResponse {
  const top = sequence(parseNested(bytes), 'BasicOCSPResponse');
  if (top.length < 3 || top.length > 4) fail('BasicOCSPResponse must have three or four fields');
  const tbsNode = expectTag(top[0], TAG.SEQUENCE, 'tbsResponseData');
  const sigAlg = expectTag(top[1], TAG.SEQUENCE, 'signatureAlgorithm');
  decodeOid(children(sigAlg)[0]);
  const sig = decodeBitString(top[2]);
  if (sig.unused !== 0) fail('signature has unused bits');
  const certificates: Uint8Array[] = [];
  if (top[3]) {
    if (top[3].tag !== 0xa0) fail('bad certs field');
    const wrapper = children(top[3]);
    if (wrapper.length !== 1) fail('bad certs field');
    const list = expectTag(wrapper[0], TAG.SEQUENCE, 'certs');
    if (countChildren(list) > OCSP_LIMITS.maxCertificates)
      fail(`more than ${OCSP_LIMITS.maxCertificates} certificates`);
    for (const cert of children(list)) certificates.push(expectTag(cert, TAG.SEQUENCE, 'Certificate').raw);
  }

  const tbs = children(tbsNode);
  let i = 0;
  // DER omits a DEFAULT value, and v1 is the only version there is.
  if (tbs[i]?.tag === 0xa0) fail('ResponseData version must be omitted (v1 is the default)');
  const responder = responderId(tbs[i++]);
  const producedAt = generalizedTime(tbs[i++], 'producedAt');
  const list = expectTag(tbs[i++], TAG.SEQUENCE, 'responses');
  if (countChildren(list) > OCSP_LIMITS.maxSingleResponses)
    fail(`more than ${OCSP_LIMITS.maxSingleResponses} SingleResponses`);
  const responses = children(list).map(singleResponse);
  if (responses.length === 0) fail('no SingleResponse');
  let nonce: Uint8Array | null = null;
  let unusable: string | null = null;
  if (tbs[i]?.tag === 0xa1) {
    const read = extensions(tbs[i++] as DerNode, UNDERSTOOD_RESPONSE_EXTENSIONS);
    unusable = read.unusable;
    const value = read.values.get(OID_OCSP_NONCE);
    if (value) nonce = expectTag(parseNested(value), TAG.OCTET_STRING, 'nonce').value;
  }
  if (i !== tbs.length) fail('ResponseData has extra fields');
  return {
    sha256Hex: toHex(sha256(der)),
    tbs: tbsNode.raw,
    signatureAlgorithm: sigAlg.raw,
    signatureValue: sig.bytes,
    responderId: responder,
    producedAt,
    responses,
    nonce,
    certificates,
    unusable,
  };
}

/**
 * Reads a DER OCSPResponse. Anything that is not a strict-DER, successful id-pkix-ocsp-basic response is
 * a value saying why (never an exception).
 */
export function readOcspResponse(input: Uint8Array): OcspResponseRead {
  if (input.length > OCSP_LIMITS.maxResponseBytes)
    return { ok: false, why: `the OCSP response is over ${OCSP_LIMITS.maxResponseBytes} bytes` };
  const der = new Uint8Array(input);
  try {
    const top = sequence(parseDer(der), 'OCSPResponse');
    const status = decodeSmallInt(top[0], TAG.ENUMERATED);
    if (status !== 0) {
      if (top.length !== 1) fail('an unsuccessful OCSPResponse carries no responseBytes');
      return {
        ok: false,
        responseStatus: status,
        why: `the responder answered ${RESPONSE_STATUS_NAMES[status] ?? `status ${status}`}`,
      };
    }
    if (top.length !== 2 || top[1]?.tag !== 0xa0) fail('a successful OCSPResponse carries responseBytes');
    const wrapper = children(top[1] as DerNode);
    if (wrapper.length !== 1) fail('bad responseBytes');
    const responseBytes = sequence(wrapper[0], 'ResponseBytes');
    if (responseBytes.length !== 2) fail('ResponseBytes must have two fields');
    const type = decodeOid(responseBytes[0]);
    if (type !== OID_PKIX_OCSP_BASIC)
      return { ok: false, why: `the response type ${type} is not id-pkix-ocsp-basic` };
    const basic = basicResponse(der, expectTag(responseBytes[1], TAG.OCTET_STRING, 'response').value);
    return { ok: true, response: basic };
  } catch (e) {
    if (e instanceof DerError) return { ok: false, why: `the OCSP response is malformed: ${e.message}` };
    throw e;
  }
}
