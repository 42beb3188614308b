import {
  children,
  type DerNode,
  decodeBoolean,
  decodeOid,
  decodeSmallInt,
  expectTag,
  fail,
  latin1,
  parseDer,
  sequence,
  TAG,
} from './der';

/**
 * The TSTInfo of an RFC 3161 timestamp token (§2.4.2), read in strict DER from the exact bytes the TSA
 * signed. Module PKIXTSP uses IMPLICIT tags: millis and micros are [0] and [1] primitive INTEGERs, the
 * extensions [1] constructed; `tsa` is a CHOICE and so explicitly tagged [0].
 */
export interface TstInfo {
  policy: string;
  imprintAlgorithmOid: string;
  imprint: Uint8Array;
  serialNumber: Uint8Array;
  /** genTime, to the millisecond (finer digits are folded into `accuracyMs`, rounded up). */
  genTime: Date;
  /** The stated accuracy in milliseconds, 0 when none is stated. */
  accuracyMs: number;
  ordering: boolean;
  nonce: Uint8Array | null;
}

/** Accuracy seconds beyond this (about 31 years) say nothing a verifier can use. */
const MAX_ACCURACY_SECONDS = 1_000_000_000;

export function parseTstInfo(der: Uint8Array): TstInfo {
  const parts = sequence(parseDer(der), 'TSTInfo');
  let i = 0;
  const version = decodeSmallInt(parts[i++]);
  if (version !== 1) fail(`TSTInfo version ${version} is not 1`);
  const policy = decodeOid(parts[i++]);
  const imprintParts = sequence(parts[i++], 'MessageImprint');
  if (imprintParts.length !== 2) fail('MessageImprint has the wrong shape');
  const algorithm = sequence(imprintParts[0], 'MessageImprint hashAlgorithm');
  if (algorithm.length < 1 || algorithm.length > 2) fail('MessageImprint hashAlgorithm has the wrong shape');
  if (algorithm[1] && algorithm[1].tag !== TAG.NULL) fail('a hash algorithm takes no parameters but NULL');
  const imprintAlgorithmOid = decodeOid(algorithm[0]);
  const imprint = expectTag(imprintParts[1], TAG.OCTET_STRING, 'hashedMessage').value;
  const serialNumber = expectTag(parts[i++], TAG.INTEGER, 'serialNumber').value;
  if (((serialNumber[0] as number) & 0x80) !== 0) fail('negative TSTInfo serialNumber');
  if (serialNumber.length > 21) fail('TSTInfo serialNumber longer than 160 bits');
  const { time: genTime, extraMs } = decodeGenTime(parts[i++]);
  let accuracyMs = 0;
  if (parts[i]?.tag === TAG.SEQUENCE) accuracyMs = decodeAccuracy(parts[i++] as DerNode);
  let ordering = false;
  if (parts[i]?.tag === TAG.BOOLEAN) {
    ordering = decodeBoolean(parts[i++] as DerNode);
    if (!ordering) fail('ordering FALSE must be omitted in DER');
  }
  let nonce: Uint8Array | null = null;
  if (parts[i]?.tag === TAG.INTEGER) nonce = (parts[i++] as DerNode).value;
  if (parts[i]?.tag === 0xa0) {
    if (children(parts[i++] as DerNode).length !== 1) fail('tsa is not one GeneralName');
  }
  if (parts[i]?.tag === 0xa1) {
    if (children(parts[i++] as DerNode).length === 0) fail('empty extensions');
  }
  if (i !== parts.length) fail('TSTInfo has unexpected fields');
  return {
    policy,
    imprintAlgorithmOid,
    imprint,
    serialNumber,
    genTime,
    accuracyMs: accuracyMs + extraMs,
    ordering,
    nonce,
  };
}

function decodeAccuracy(node: DerNode): number {
  const parts = children(node);
  let i = 0;
  let seconds = 0;
  let millis = 0;
  let micros = 0;
  if (parts[i]?.tag === TAG.INTEGER) {
    seconds = decodeSmallInt(parts[i++]);
    if (seconds > MAX_ACCURACY_SECONDS) fail(`accuracy of ${seconds} seconds`);
  }
  if (parts[i]?.tag === 0x80) {
    millis = decodeSmallInt(parts[i++], 0x80);
    if (millis < 1 || millis > 999) fail('accuracy millis outside 1..999');
  }
  if (parts[i]?.tag === 0x81) {
    micros = decodeSmallInt(parts[i++], 0x81);
    if (micros < 1 || micros > 999) fail('accuracy micros outside 1..999');
  }
  if (i !== parts.length) fail('Accuracy has unexpected fields');
  return seconds * 1000 + millis + Math.ceil(micros / 1000);
}

const GEN_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*[1-9]))?Z$/;

/**
 * RFC 3161 §2.4.2 genTime: GeneralizedTime YYYYMMDDhhmmss[.s...]Z, the fraction without trailing zeros.
 * Digits beyond the millisecond are returned as one extra millisecond of accuracy.
 */
function decodeGenTime(node: DerNode | undefined): { time: Date; extraMs: number } {
  const text = latin1(expectTag(node, TAG.GENERALIZED_TIME, 'genTime').value);
  const m = GEN_TIME.exec(text);
  if (!m) fail('genTime is not YYYYMMDDhhmmss[.fraction]Z');
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) fail('bad genTime');
  const fraction = m[7] ?? '';
  const ms = Number(`${fraction}000`.slice(0, 3));
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second, ms));
  if (date.getUTCDate() !== day || year < 1950) fail('bad genTime');
  return { time: date, extraMs: fraction.length > 3 ? 1 : 0 };
}
