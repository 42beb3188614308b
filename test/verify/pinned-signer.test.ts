import { beforeAll, describe, expect, it } from 'vitest';
import { type PathAnchor, type VerifyOutcome, verifyPackage } from '../../src/verify';
import { parseCertificate } from '../../src/verify/certificate';
import { signDetached } from '../helpers/cms-builder';
import { CODE_SIGNING, ext, type Issued, makeCert, makeCrl, makeLeaf, makeRoot } from './path/cert-factory';

/**
 * Pinned signers (issue 17 item 4): a self-signed, non-CA signing key (a kernel module's or firmware's)
 * trusted deliberately by its exact certificate; the attacks try to make a pin or a root do more.
 */

const NOW = new Date('2026-06-01T00:00:00Z');
const content = new TextEncoder().encode('firmware image 4.2');
const subtle = globalThis.crypto.subtle;
const SERIAL = 7001;

let selfSigned: Issued;
let root: Issued;
let caLeaf: Issued;

const sha256Of = (der: Uint8Array) => parseCertificate(der) as { sha256Hex: string };
const pin = (cert: Issued, extra: Partial<PathAnchor> = {}): PathAnchor => ({
  id: `pin-${(sha256Of(cert.der) as { sha256Hex: string }).sha256Hex.slice(0, 8)}`,
  der: cert.der,
  kind: 'signer',
  ...extra,
});
const rootAnchor = (cert: Issued, extra: Partial<PathAnchor> = {}): PathAnchor => ({
  id: 'root',
  der: cert.der,
  ...extra,
});

/** A kernel-module style key: self-signed, basicConstraints cA false, keyUsage digitalSignature, no EKU. */
const makeModuleKey = (
  cn: string,
  extra: Parameters<typeof makeCert>[0] extends infer S ? Partial<S> : never = {},
) =>
  makeCert({
    cn,
    serial: SERIAL,
    extensions: [ext.basicConstraints(false), ext.keyUsage('digitalSignature')],
    ...extra,
  });

beforeAll(async () => {
  selfSigned = await makeModuleKey('Module Signing Key');
  root = await makeRoot('Pinned Test Root');
  caLeaf = await makeLeaf('CA-issued Signer', root, { serial: 99 });
});

async function verify(
  signer: Issued,
  anchors: PathAnchor[],
  opts: { certificates?: Uint8Array[]; ski?: boolean; issuerCn?: string; serial?: number; time?: Date } = {},
): Promise<VerifyOutcome> {
  const signature = await signDetached({
    content,
    signer,
    issuerCn: opts.issuerCn ?? signer.cn,
    serial: opts.serial ?? SERIAL,
    certificates: opts.certificates ?? [signer.der],
    ...(opts.ski ? { sidSki: signer.ski } : {}),
  });
  const result = await verifyPackage({
    signature,
    artifact: { kind: 'bytes', bytes: content },
    anchors,
    time: opts.time ?? NOW,
    subtle,
  });
  if (!result.ok) throw new Error(`${result.code}: ${result.detail}`);
  return result.outcome;
}

const codes = (outcome: VerifyOutcome) => outcome.reasons.map((r) => r.code);

describe('a pinned self-signed signer', () => {
  it('is trusted when the signature carries its certificate, anchored at the pin', async () => {
    const anchor = pin(selfSigned);
    const outcome = await verify(selfSigned, [anchor]);
    expect(outcome.verdict).toBe('trusted');
    expect(outcome.anchorId).toBe(anchor.id);
    expect(outcome.chain).toHaveLength(1);
  });

  it('is found by issuer and serial when the signature carries no certificate', async () => {
    const anchor = pin(selfSigned);
    const outcome = await verify(selfSigned, [anchor], { certificates: [] });
    expect(outcome.verdict).toBe('trusted');
    expect(outcome.anchorId).toBe(anchor.id);
  });

  it('is found by subjectKeyIdentifier when the signature carries no certificate', async () => {
    const outcome = await verify(selfSigned, [pin(selfSigned)], { certificates: [], ski: true });
    expect(outcome.verdict).toBe('trusted');
  });

  it('is found by its sid when the signature carries only other certificates', async () => {
    const outcome = await verify(selfSigned, [pin(selfSigned)], { certificates: [caLeaf.der] });
    expect(outcome.verdict).toBe('trusted');
  });

  it('passes without extKeyUsage (the pin is the authorization) and with codeSigning or anyExtendedKeyUsage', async () => {
    for (const eku of [[CODE_SIGNING], ['2.5.29.37.0']]) {
      const key = await makeModuleKey('EKU Key', {
        extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage(...eku)],
      });
      expect((await verify(key, [pin(key)])).verdict).toBe('trusted');
    }
  });

  it('passes without keyUsage (RFC 5280: unrestricted)', async () => {
    const key = await makeModuleKey('No KU Key', { extensions: [] });
    expect((await verify(key, [pin(key)])).verdict).toBe('trusted');
  });

  it('is refused when its extKeyUsage excludes code signing', async () => {
    const key = await makeModuleKey('TLS Key', {
      extensions: [ext.keyUsage('digitalSignature'), ext.extKeyUsage('1.3.6.1.5.5.7.3.1')],
    });
    const outcome = await verify(key, [pin(key)]);
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('SIGNER_EKU_MISSING');
  });

  it('is refused when its keyUsage excludes digitalSignature', async () => {
    const key = await makeModuleKey('CRL-only Key', { extensions: [ext.keyUsage('cRLSign')] });
    const outcome = await verify(key, [pin(key)]);
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('SIGNER_KEY_USAGE_INVALID');
  });

  it('is refused outside its validity period', async () => {
    const key = await makeModuleKey('Expired Key', { notAfter: new Date('2026-01-01T00:00:00Z') });
    const outcome = await verify(key, [pin(key)]);
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('CERT_EXPIRED');
  });

  it('is refused after its distrust date, and trusted for a certificate from before it', async () => {
    const after = await verify(selfSigned, [
      pin(selfSigned, { distrustAfter: new Date('2024-01-01T00:00:00Z') }),
    ]);
    expect(after.verdict).toBe('rejected');
    expect(codes(after)).toContain('ANCHOR_DISTRUSTED');
    const before = await verify(selfSigned, [
      pin(selfSigned, { distrustAfter: new Date('2025-01-01T00:00:00Z') }),
    ]);
    expect(before.verdict).toBe('trusted');
  });

  it('is refused for key compromise whatever the dates', async () => {
    const outcome = await verify(selfSigned, [
      pin(selfSigned, { keyCompromised: true, distrustAfter: new Date('2029-01-01T00:00:00Z') }),
    ]);
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('ANCHOR_DISTRUSTED');
  });

  it('a signer anchor also holding the root of the CA path is judged by its pin (a distrusted pin is not bypassed)', async () => {
    const outcome = await verify(caLeaf, [pin(caLeaf, { keyCompromised: true }), rootAnchor(root)], {
      certificates: [caLeaf.der],
      issuerCn: root.cn,
      serial: 99,
    });
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('ANCHOR_DISTRUSTED');
  });
});

describe('attacks on pinning', () => {
  it('a root anchor does not act as a pinned signer: a self-signed key trusted as a root signs nothing', async () => {
    // Even a self-signed non-CA signing key stored as a root (it could not be proposed as one) anchors no
    // signature of its own.
    const outcome = await verify(selfSigned, [rootAnchor(selfSigned)]);
    expect(outcome.verdict).not.toBe('trusted');
  });

  it('a root anchor is not looked up by sid for a signature that carries no certificate', async () => {
    const outcome = await verify(selfSigned, [rootAnchor(selfSigned)], { certificates: [] });
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toEqual(['SIGNER_CERT_NOT_FOUND']);
  });

  it('a pinned CA certificate does not anchor a path of another leaf', async () => {
    // The root of caLeaf is pinned as a signer: caLeaf's chain must not end at it.
    const outcome = await verify(caLeaf, [pin(root)], {
      certificates: [caLeaf.der],
      issuerCn: root.cn,
      serial: 99,
    });
    expect(outcome.verdict).toBe('unknown_root');
    expect(outcome.anchorId).toBeNull();
  });

  it('a pinned CA certificate does not anchor a path of another leaf found by sid either', async () => {
    const outcome = await verify(caLeaf, [pin(root)], { certificates: [], issuerCn: root.cn, serial: 99 });
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toEqual(['SIGNER_CERT_NOT_FOUND']);
  });

  it('another certificate under the same name and key as a pin is not the pin (exact DER only)', async () => {
    const twin = await makeModuleKey(selfSigned.cn, { keys: selfSigned.keys, serial: SERIAL + 1 });
    const outcome = await verify(twin, [pin(selfSigned)], { serial: SERIAL + 1 });
    expect(outcome.verdict).not.toBe('trusted');
    expect(outcome.anchorId).toBeNull();
  });

  it('a signature by another key under a pinned sid fails its signature check', async () => {
    const impostor = await makeModuleKey(selfSigned.cn);
    const outcome = await verify(impostor, [pin(selfSigned)], { certificates: [] });
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('SIGNATURE_INVALID');
  });

  it('two pinned certificates under one sid are ambiguous, never a guess', async () => {
    const renewed = await makeModuleKey(selfSigned.cn, {
      keys: selfSigned.keys,
      notAfter: new Date('2031-01-01T00:00:00Z'),
    });
    const outcome = await verify(selfSigned, [pin(selfSigned), pin(renewed)], {
      certificates: [],
      ski: true,
    });
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toEqual(['SIGNER_CERT_AMBIGUOUS']);
  });

  it('no pin, no trust: the same signature without signer anchors is not trusted', async () => {
    const outcome = await verify(selfSigned, []);
    expect(outcome.verdict).not.toBe('trusted');
  });
});

describe('revocation of a pinned signer', () => {
  const CRL_URL = 'http://crl.pinned.example.test/ca.crl';
  let ca: Issued;
  let issued: Issued;
  const day = (iso: string) => new Date(`${iso}T00:00:00Z`);
  const crl = (issuer: Issued, revoked: boolean) =>
    makeCrl({
      issuer,
      thisUpdate: day('2026-05-25'),
      nextUpdate: day('2026-06-08'),
      entries: revoked ? [{ serial: 123, date: day('2026-04-01'), reason: 1 }] : [],
    });

  beforeAll(async () => {
    ca = await makeRoot('Untrusted Vendor CA');
    issued = await makeLeaf('CA-issued Pinned Signer', ca, {
      serial: 123,
      extensions: [
        ext.keyUsage('digitalSignature'),
        ext.extKeyUsage(CODE_SIGNING),
        ext.crlDistributionPoints(CRL_URL),
      ],
    });
  });

  async function run(opts: {
    bag: Uint8Array[];
    crls?: Uint8Array[];
    revocation?: 'require' | 'best-effort';
  }) {
    const signature = await signDetached({
      content,
      signer: issued,
      issuerCn: ca.cn,
      serial: 123,
      certificates: opts.bag,
      crls: opts.crls ?? [],
    });
    const result = await verifyPackage({
      signature,
      artifact: { kind: 'bytes', bytes: content },
      anchors: [pin(issued)],
      time: NOW,
      subtle,
      ...(opts.revocation ? { revocation: opts.revocation } : {}),
    });
    if (!result.ok) throw new Error(result.code);
    return result.outcome;
  }

  it('a CA-issued pinned signer revoked by its carried issuer is refused (CERT_REVOKED)', async () => {
    const outcome = await run({ bag: [issued.der, ca.der], crls: [await crl(ca, true)] });
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('CERT_REVOKED');
  });

  it('with its issuer and a current CRL that does not list it, it is trusted under require', async () => {
    const outcome = await run({
      bag: [issued.der, ca.der],
      crls: [await crl(ca, false)],
      revocation: 'require',
    });
    expect(outcome.verdict).toBe('trusted');
    expect(outcome.chain).toHaveLength(1);
    expect(outcome.warnings).toBeUndefined();
  });

  it('without its issuer, its named sources cannot be checked: a warning under best-effort, a rejection under require', async () => {
    const lax = await run({ bag: [issued.der] });
    expect(lax.verdict).toBe('trusted');
    expect(lax.warnings?.map((w) => w.code)).toEqual(['REVOCATION_UNAVAILABLE']);
    const strict = await run({ bag: [issued.der], revocation: 'require' });
    expect(strict.verdict).toBe('rejected');
    expect(codes(strict)).toContain('REVOCATION_UNAVAILABLE');
  });

  it('an impostor issuer (same name, another key) with a clean CRL does not vouch for the revocation status', async () => {
    const impostor = await makeRoot(ca.cn);
    const outcome = await run({
      bag: [issued.der, impostor.der],
      crls: [await crl(impostor, false)],
      revocation: 'require',
    });
    expect(outcome.verdict).toBe('rejected');
    expect(codes(outcome)).toContain('REVOCATION_UNAVAILABLE');
  });

  it('a self-signed pinned signer is not revocation-checked (as a root: distrust is its revocation)', async () => {
    const outcome = await verifyPackage({
      signature: await signDetached({
        content,
        signer: selfSigned,
        issuerCn: selfSigned.cn,
        serial: SERIAL,
        certificates: [],
      }),
      artifact: { kind: 'bytes', bytes: content },
      anchors: [pin(selfSigned)],
      time: NOW,
      subtle,
      revocation: 'require',
    });
    expect(outcome.ok && outcome.outcome.verdict).toBe('trusted');
  });
});
