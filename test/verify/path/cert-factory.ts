/**
 * Makes small ECDSA P-256 certificates in-process for the path tests: a minimal DER encoder, so that
 * tests control every byte (extensions, criticality, names), and WebCrypto for keys and signatures.
 */

const subtle = globalThis.crypto.subtle;

function length(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const body = concat(...parts);
  return concat(new Uint8Array([tag, ...length(body.length)]), body);
}

import { concatBytes as concat } from '../../../src/encoding';

export { concat };

export const seq = (...parts: Uint8Array[]): Uint8Array => tlv(0x30, ...parts);

export function oid(dotted: string): Uint8Array {
  const arcs = dotted.split('.').map(Number);
  const bytes: number[] = [(arcs[0] as number) * 40 + (arcs[1] as number)];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, new Uint8Array(bytes));
}

export function integer(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (bytes.length === 0 || ((bytes[0] as number) & 0x80) !== 0) bytes.unshift(0);
  return tlv(0x02, new Uint8Array(bytes));
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const bool = (b: boolean): Uint8Array => tlv(0x01, new Uint8Array([b ? 0xff : 0]));
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const bits = (b: Uint8Array, unused = 0): Uint8Array => tlv(0x03, new Uint8Array([unused]), b);

export function name(cn: string): Uint8Array {
  return seq(tlv(0x31, seq(oid('2.5.4.3'), tlv(0x0c, utf8(cn)))));
}

function time(d: Date): Uint8Array {
  const iso = d.toISOString();
  const s = `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x18, utf8(s));
}

export interface Extension {
  oid: string;
  critical?: boolean;
  value: Uint8Array;
}

export const ext = {
  basicConstraints: (ca: boolean, pathLen?: number): Extension => ({
    oid: '2.5.29.19',
    critical: true,
    value: seq(...(ca ? [bool(true)] : []), ...(pathLen !== undefined ? [integer(pathLen)] : [])),
  }),
  keyUsage: (...names: Array<'digitalSignature' | 'keyCertSign' | 'cRLSign'>): Extension => {
    const bit = { digitalSignature: 0, keyCertSign: 5, cRLSign: 6 };
    let byte = 0;
    for (const n of names) byte |= 0x80 >> bit[n];
    let unused = 0;
    while (unused < 7 && ((byte >> unused) & 1) === 0) unused++;
    return { oid: '2.5.29.15', critical: true, value: bits(new Uint8Array([byte]), unused) };
  },
  extKeyUsage: (...oids: string[]): Extension => ({ oid: '2.5.29.37', value: seq(...oids.map(oid)) }),
  sanDns: (...names: string[]): Extension => ({
    oid: '2.5.29.17',
    value: seq(...names.map((n) => tlv(0x82, utf8(n)))),
  }),
  permittedDns: (...names: string[]): Extension => ({
    oid: '2.5.29.30',
    critical: true,
    value: seq(tlv(0xa0, ...names.map((n) => seq(tlv(0x82, utf8(n)))))),
  }),
  policies: (...oids: string[]): Extension => ({
    oid: '2.5.29.32',
    value: seq(...oids.map((o) => seq(oid(o)))),
  }),
  policyMappings: (pairs: Array<[string, string]>): Extension => ({
    oid: '2.5.29.33',
    critical: true,
    value: seq(...pairs.map(([from, to]) => seq(oid(from), oid(to)))),
  }),
  unknown: (critical: boolean): Extension => ({ oid: '1.3.6.1.4.1.55738.666.1', critical, value: tlv(0x05) }),
  /** Netscape cert type (2.16.840.1.113730.1.1), critical, objectSigning CA: as on Debian's Secure Boot CA. */
  netscapeCertType: (): Extension => ({
    oid: '2.16.840.1.113730.1.1',
    critical: true,
    value: bits(new Uint8Array([0x01]), 0),
  }),
  /** cRLDistributionPoints with one fullName URI per point. */
  crlDistributionPoints: (...uris: string[]): Extension => ({
    oid: '2.5.29.31',
    value: seq(...uris.map((u) => seq(tlv(0xa0, tlv(0xa0, tlv(0x86, utf8(u))))))),
  }),
};

export interface Issued {
  der: Uint8Array;
  keys: CryptoKeyPair;
  cn: string;
  ski: Uint8Array;
}

export interface CertSpec {
  cn: string;
  issuer?: Issued;
  /** Reuse a key pair (same key, another certificate). */
  keys?: CryptoKeyPair;
  serial?: number;
  notBefore?: Date;
  notAfter?: Date;
  extensions?: Extension[];
  /** Replace the default CA/leaf extensions entirely. */
  rawExtensions?: Extension[];
  /** Leave out SKI/AKI. */
  noKeyIds?: boolean;
  /** Sign with ECDSA over SHA-1 (a weak algorithm). */
  sha1?: boolean;
}

export const T0 = new Date('2025-01-01T00:00:00Z');
export const LATER = new Date('2025-06-01T00:00:00Z');

export const newKeys = (): Promise<CryptoKeyPair> =>
  subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ]) as Promise<CryptoKeyPair>;

/** An ECDSA signature from WebCrypto's raw r||s form to DER (what X.509 and CMS carry). */
export function rawToDer(raw: Uint8Array): Uint8Array {
  const int = (b: Uint8Array): Uint8Array => {
    let i = 0;
    while (i < b.length - 1 && b[i] === 0) i++;
    let v = b.subarray(i);
    if (((v[0] as number) & 0x80) !== 0) v = concat(new Uint8Array([0]), v);
    return tlv(0x02, v);
  };
  return seq(int(raw.subarray(0, 32)), int(raw.subarray(32)));
}

export const ECDSA_SHA256 = seq(oid('1.2.840.10045.4.3.2'));
const ECDSA_SHA1 = seq(oid('1.2.840.10045.4.1'));

export async function makeCert(spec: CertSpec): Promise<Issued> {
  const keys = spec.keys ?? (await newKeys());
  const spki = new Uint8Array(await subtle.exportKey('spki', keys.publicKey));
  const ski = new Uint8Array(await subtle.digest('SHA-256', spki)).subarray(0, 20);
  const issuerKeys = spec.issuer?.keys ?? keys;
  const issuerCn = spec.issuer?.cn ?? spec.cn;
  const issuerSki = spec.issuer?.ski ?? ski;
  const exts: Extension[] = [...(spec.rawExtensions ?? spec.extensions ?? [])];
  if (!spec.noKeyIds) {
    exts.push({ oid: '2.5.29.14', value: octets(ski) });
    exts.push({ oid: '2.5.29.35', value: seq(tlv(0x80, issuerSki)) });
  }
  const extsDer = exts.map((e) => seq(oid(e.oid), ...(e.critical ? [bool(true)] : []), octets(e.value)));
  const tbs = seq(
    tlv(0xa0, integer(2)),
    integer(spec.serial ?? 1 + Math.floor(Math.random() * 1e9)),
    spec.sha1 ? ECDSA_SHA1 : ECDSA_SHA256,
    name(issuerCn),
    seq(
      time(spec.notBefore ?? new Date('2024-01-01T00:00:00Z')),
      time(spec.notAfter ?? new Date('2030-01-01T00:00:00Z')),
    ),
    name(spec.cn),
    spki,
    ...(extsDer.length > 0 ? [tlv(0xa3, seq(...extsDer))] : []),
  );
  const raw = new Uint8Array(
    await subtle.sign(
      { name: 'ECDSA', hash: spec.sha1 ? 'SHA-1' : 'SHA-256' },
      issuerKeys.privateKey,
      new Uint8Array(tbs),
    ),
  );
  const der = seq(tbs, spec.sha1 ? ECDSA_SHA1 : ECDSA_SHA256, bits(rawToDer(raw)));
  return { der, keys, cn: spec.cn, ski };
}

export const CODE_SIGNING = '1.3.6.1.5.5.7.3.3';

export const makeRoot = (cn = 'Root', extra: Partial<CertSpec> = {}): Promise<Issued> =>
  makeCert({
    cn,
    extensions: [ext.basicConstraints(true), ext.keyUsage('keyCertSign', 'cRLSign')],
    ...extra,
  });

export const makeCa = (
  cn: string,
  issuer: Issued,
  extra: Partial<CertSpec> = {},
  pathLen?: number,
): Promise<Issued> =>
  makeCert({
    cn,
    issuer,
    extensions: [ext.basicConstraints(true, pathLen), ext.keyUsage('keyCertSign', 'cRLSign')],
    ...extra,
  });

export const makeLeaf = (cn: string, issuer: Issued, extra: Partial<CertSpec> = {}): Promise<Issued> =>
  makeCert({
    cn,
    issuer,
    extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage(CODE_SIGNING)],
    ...extra,
  });

export interface CrlEntry {
  serial: number;
  date: Date;
  /** CRLReason code (1 keyCompromise, 4 superseded, 6 certificateHold, 8 removeFromCRL, ...). */
  reason?: number;
}

/**
 * A v2 CRL signed by `issuer` with a CRLNumber and an AKI naming the issuer's key; `deltaOf` makes it a
 * delta CRL on that base number, `nextUpdate: null` leaves the field out.
 */
export async function makeCrl(spec: {
  issuer: Issued;
  entries?: CrlEntry[];
  thisUpdate: Date;
  nextUpdate: Date | null;
  number?: number;
  deltaOf?: number;
  /** An issuingDistributionPoint naming this URI (a CRL for one distribution point only). */
  idpUri?: string;
}): Promise<Uint8Array> {
  const entries = (spec.entries ?? []).map((e) =>
    seq(
      integer(e.serial),
      time(e.date),
      ...(e.reason !== undefined
        ? [seq(seq(oid('2.5.29.21'), octets(tlv(0x0a, new Uint8Array([e.reason])))))]
        : []),
    ),
  );
  const tbs = seq(
    integer(1),
    ECDSA_SHA256,
    name(spec.issuer.cn),
    time(spec.thisUpdate),
    ...(spec.nextUpdate ? [time(spec.nextUpdate)] : []),
    ...(entries.length > 0 ? [seq(...entries)] : []),
    tlv(
      0xa0,
      seq(
        seq(oid('2.5.29.20'), octets(integer(spec.number ?? 1))),
        seq(oid('2.5.29.35'), octets(seq(tlv(0x80, spec.issuer.ski)))),
        ...(spec.deltaOf !== undefined
          ? [seq(oid('2.5.29.27'), bool(true), octets(integer(spec.deltaOf)))]
          : []),
        ...(spec.idpUri !== undefined
          ? [
              seq(
                oid('2.5.29.28'),
                bool(true),
                octets(seq(tlv(0xa0, tlv(0xa0, tlv(0x86, utf8(spec.idpUri)))))),
              ),
            ]
          : []),
      ),
    ),
  );
  const raw = new Uint8Array(
    await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, spec.issuer.keys.privateKey, new Uint8Array(tbs)),
  );
  return seq(tbs, ECDSA_SHA256, bits(rawToDer(raw)));
}

/**
 * A certificate with any key and any signer: `spki` is the subject's SubjectPublicKeyInfo,
 * `signatureAlgorithm` the DER AlgorithmIdentifier, `sign` signs the TBSCertificate.
 */
export async function assembleCert(spec: {
  cn: string;
  issuerCn: string;
  spki: Uint8Array;
  ski: Uint8Array;
  issuerSki: Uint8Array;
  extensions: Extension[];
  signatureAlgorithm: Uint8Array;
  sign: (tbs: Uint8Array) => Uint8Array | Promise<Uint8Array>;
}): Promise<Uint8Array> {
  const exts: Extension[] = [
    ...spec.extensions,
    { oid: '2.5.29.14', value: octets(spec.ski) },
    { oid: '2.5.29.35', value: seq(tlv(0x80, spec.issuerSki)) },
  ];
  const extsDer = exts.map((e) => seq(oid(e.oid), ...(e.critical ? [bool(true)] : []), octets(e.value)));
  const tbs = seq(
    tlv(0xa0, integer(2)),
    integer(1 + Math.floor(Math.random() * 1e9)),
    spec.signatureAlgorithm,
    name(spec.issuerCn),
    seq(time(new Date('2024-01-01T00:00:00Z')), time(new Date('2030-01-01T00:00:00Z'))),
    name(spec.cn),
    spec.spki,
    tlv(0xa3, seq(...extsDer)),
  );
  return seq(tbs, spec.signatureAlgorithm, bits(await spec.sign(tbs)));
}
