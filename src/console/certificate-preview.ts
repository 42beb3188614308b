import { sha1Hex } from '../encoding';
import type { Anchor, AnchorKind } from '../trust';
import { caRefusal, readOneCertificate, readProposedRoot, remedyText } from '../trust/root-proposal';
import { readProposedSigner } from '../trust/signer-proposal';
import { encodePem, isParseError, parseCertificate } from '../verify';
import { decodeBitString, decodeOid, derTry, parseDer, sequence, TAG } from '../verify/der';

/** The largest PEM the console takes (the API's limit on `pem` in POST /vendors/{id}/roots). */
export const MAX_PEM_CHARS = 65_536;

/** A problem the service would refuse the proposal with: its problem code and detail. */
export interface PreviewProblem {
  code: string;
  detail: string;
}

/** What the certificate says, decoded for a person to read before it is proposed. */
export interface CertificateFacts {
  subject: string;
  issuer: string;
  serial: string;
  key: string;
  notBefore: string;
  notAfter: string;
  expired: boolean;
  notYetValid: boolean;
  selfIssued: boolean;
  ca: boolean;
  sha256: string;
  spkiSha256: string;
  sha1: string;
}

export interface CertificatePreview {
  /** The one PEM certificate to carry to the submit step (re-encoded from what was given). */
  pem: string | null;
  facts: CertificateFacts | null;
  problems: PreviewProblem[];
}

/**
 * Decodes a proposed certificate WITHOUT storing anything, and lists what the service would refuse it for:
 * the service's own readers decide (readProposedRoot / readProposedSigner, and for a root also caRefusal so
 * that a CA problem shows next to an expiry), and a certificate the vendor already has on file is named.
 */
export async function previewCertificate(input: {
  pem: string;
  kind: AnchorKind;
  now: Date;
  subtle: SubtleCrypto;
  onFile: Anchor[];
}): Promise<CertificatePreview> {
  const one = readOneCertificate(input.pem, input.kind);
  if (!one.ok) return { pem: null, facts: null, problems: [{ code: one.code, detail: one.detail }] };
  const pem = encodePem('CERTIFICATE', one.der);
  const certificate = parseCertificate(one.der, input.kind === 'root' ? { trustAnchor: true } : {});
  if (isParseError(certificate)) {
    return {
      pem,
      facts: null,
      problems: [
        {
          code: 'INVALID_CERTIFICATE',
          detail: `the certificate cannot be used: ${certificate.error.message}`,
        },
      ],
    };
  }
  const now = input.now.getTime();
  const facts: CertificateFacts = {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serial: certificate.serialHex,
    key: describeKey(certificate.spki),
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
    expired: certificate.notAfter.getTime() <= now,
    notYetValid: certificate.notBefore.getTime() > now,
    selfIssued: certificate.selfIssued,
    ca: certificate.extensions.basicConstraints?.cA === true,
    sha256: certificate.sha256Hex,
    spkiSha256: certificate.spkiSha256Hex,
    sha1: await sha1Hex(input.subtle, one.der),
  };
  const problems: PreviewProblem[] = [];
  const add = (problem: PreviewProblem) => {
    if (!problems.some((p) => p.code === problem.code && p.detail === problem.detail)) problems.push(problem);
  };
  const decision =
    input.kind === 'root' ? readProposedRoot(pem, input.now) : readProposedSigner(pem, input.now);
  if (!decision.ok) add({ code: decision.code, detail: decision.detail });
  if (input.kind === 'root') {
    const ca = caRefusal(certificate);
    if (ca && (decision.ok || decision.code !== ca.code)) {
      add({ code: ca.code, detail: `${ca.detail}; ${remedyText(ca)}` });
    }
  }
  const existing = input.onFile.find((a) => a.sha256 === certificate.sha256Hex);
  if (existing) {
    add({
      code: 'ROOT_DUPLICATE',
      detail: `the vendor already has this certificate as a ${existing.kind === 'signer' ? 'pinned signer' : 'root'} (${existing.state})`,
    });
  }
  return { pem, facts, problems };
}

/**
 * The certificate text of a proposal form: the uploaded file when one was chosen (PEM, or DER made PEM),
 * else the pasted text. Answers a problem instead when nothing was given or it is too large.
 */
export async function proposalText(
  pasted: unknown,
  upload: unknown,
): Promise<{ ok: true; pem: string } | { ok: false; problem: PreviewProblem }> {
  if (isFile(upload) && upload.size > 0) {
    if (upload.size > MAX_PEM_CHARS) return tooLarge();
    const bytes = new Uint8Array(await upload.arrayBuffer());
    const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
    return { ok: true, pem: text.includes('-----BEGIN ') ? text : encodePem('CERTIFICATE', bytes) };
  }
  const text = typeof pasted === 'string' ? pasted.trim() : '';
  if (text === '') {
    return {
      ok: false,
      problem: { code: 'INVALID_FIELD', detail: 'paste a PEM certificate or choose a PEM or DER file' },
    };
  }
  if (text.length > MAX_PEM_CHARS) return tooLarge();
  return { ok: true, pem: text };
}

const tooLarge = () => ({
  ok: false as const,
  problem: {
    code: 'PAYLOAD_TOO_LARGE',
    detail: `a certificate is at most ${MAX_PEM_CHARS} characters of PEM; propose one certificate at a time`,
  },
});

const isFile = (value: unknown): value is File =>
  typeof value === 'object' && value !== null && typeof (value as File).arrayBuffer === 'function';

const CURVE_NAMES: Record<string, string> = {
  '1.2.840.10045.3.1.7': 'P-256',
  '1.3.132.0.34': 'P-384',
  '1.3.132.0.35': 'P-521',
};

/**
 * The public key's algorithm and size, for a person to read ("RSA 4096 bits", "EC P-384"). Only a
 * description: whether the key is acceptable is the service's decision (the problems list).
 */
export function describeKey(spki: Uint8Array): string {
  const described = derTry(() => {
    const [algorithmNode, keyNode] = sequence(parseDer(spki), 'SubjectPublicKeyInfo');
    const [oidNode, params] = sequence(algorithmNode, 'AlgorithmIdentifier');
    const oid = decodeOid(oidNode);
    const key = decodeBitString(keyNode).bytes;
    if (oid === '1.2.840.113549.1.1.1' || oid === '1.2.840.113549.1.1.10') {
      const [modulus] = sequence(parseDer(key), 'RSAPublicKey');
      const value = modulus?.tag === TAG.INTEGER ? modulus.value : new Uint8Array();
      const bytes = value[0] === 0 ? value.subarray(1) : value;
      const bits = bytes.length === 0 ? 0 : (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0] as number));
      return `RSA${oid.endsWith('.10') ? '-PSS' : ''} ${bits} bits`;
    }
    if (oid === '1.2.840.10045.2.1') {
      const curve = params?.tag === TAG.OID ? decodeOid(params) : '(explicit parameters)';
      return `EC ${CURVE_NAMES[curve] ?? curve}`;
    }
    if (oid === '1.3.101.112') return 'Ed25519';
    if (oid === '1.3.101.113') return 'Ed448';
    if (oid === '1.2.840.10040.4.1') return 'DSA';
    return `algorithm ${oid}`;
  });
  return described ?? 'unreadable public key';
}
