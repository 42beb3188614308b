import { bytesEqual } from '../../encoding';
import type { ErrorCode } from '../../errors';
import { type CmsEnvelope, OID_SPC_INDIRECT_DATA, readCmsEnvelope } from '../cms-envelope';
import { INTEGRITY_REASONS, type Reason, type ReasonCode, reason } from '../reasons';
import { digestAlgorithm, type HashName } from '../signature';
import {
  type ContentCheck,
  DEFAULT_VERIFY_LIMITS,
  rejectedWithoutSigner,
  type SignatureSummary,
  type VerifyLimits,
  type VerifyOutcome,
  type VerifyRequest,
  type VerifyResult,
  verifySignedData,
} from '../verify-package';
import { readCertificateTable, withoutTrailingZeros } from './certificate-table';
import { type DigestParts, imageHashParts, nobleDigestParts } from './image-hash';
import { type PeLayout, readPeLayout } from './pe';
import { OID_SPC_PE_IMAGE_DATA, readSpcIndirectData } from './spc';

/**
 * Verifies the Authenticode signatures of a PE/PE32+ image (exe, dll, sys, efi): every entry of its
 * attribute certificate table, the signatures nested in them, and an extracted PKCS#7 given beside the
 * image. Each signature is verified on its own by verifyPackage's checks (integrity, timestamp, chain,
 * policy, revocation), with its SpcIndirectDataContent's image hash compared with the file's; the file's
 * verdict combines them (see `combine`, docs/authenticode.md).
 */

/** SPC_NESTED_SIGNATURE_OBJID: an unsigned attribute whose values are further Authenticode ContentInfos. */
export const OID_NESTED_SIGNATURE = '1.3.6.1.4.1.311.2.4.1';

export interface AuthenticodeLimits {
  /** Largest image verified (the server keeps at most its maxArtifactBytes, also 64 MiB). */
  maxImageBytes: number;
  /** WIN_CERTIFICATE entries in the attribute certificate table. */
  maxTableEntries: number;
  /** Bytes of one entry's bCertificate (its nested signatures included). */
  maxEntryBytes: number;
  /** Signatures verified in one file: table entries, nested ones and the given one, together. */
  maxSignatures: number;
  /** Levels of nesting below a table entry (1: nested signatures, but none nested in those). */
  maxNestingDepth: number;
  /**
   * Certificate and CRL signature checks of all the file's signatures together: each signature gets an
   * equal share (at most `maxSignatureChecks`, at least MIN_CHECKS_PER_SIGNATURE), so that a file that
   * repeats a signature sixteen times does not cost sixteen path searches of a whole budget each.
   */
  maxSignatureChecksPerFile: number;
}

/** The share of `maxSignatureChecksPerFile` below which no signature goes: a real chain needs 2 to 6. */
export const MIN_CHECKS_PER_SIGNATURE = 8;

export const DEFAULT_AUTHENTICODE_LIMITS: AuthenticodeLimits = {
  maxImageBytes: 64 * 1024 * 1024,
  maxTableEntries: 8,
  maxEntryBytes: 1024 * 1024,
  maxSignatures: 16,
  maxNestingDepth: 2,
  maxSignatureChecksPerFile: 128,
};

export type VerifyAuthenticodeRequest = Omit<VerifyRequest, 'signature' | 'artifact' | 'limits'> & {
  /** The PE image's bytes. */
  image: Uint8Array;
  /** An extracted PKCS#7 for this file (DER or PEM), verified besides the table's signatures. */
  signature?: Uint8Array;
  limits?: Partial<VerifyLimits & AuthenticodeLimits>;
  /** Hashes the image in parts (default: @noble/hashes incrementally). */
  digestParts?: DigestParts;
};

/**
 * A signature is broken when its integrity fails (INTEGRITY_REASONS) or a certificate of its chain is
 * revoked. One broken signature rejects the file, whatever the others.
 */
const isBrokenReason = (code: ReasonCode): boolean => INTEGRITY_REASONS.has(code) || code === 'CERT_REVOKED';

/** Refusals of the envelope reader that are limits (a request error for the file), not a broken entry. */
const LIMIT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'PAYLOAD_TOO_LARGE',
  'SIGNERS_LIMIT',
  'CERTIFICATES_LIMIT',
  'CRLS_LIMIT',
  'ATTRIBUTES_LIMIT',
]);

export const isBroken = (reasons: readonly Reason[]): boolean => reasons.some((r) => isBrokenReason(r.code));

/** One signature found in the file: its bytes, or why it could not be read. */
interface Found {
  id: string;
  signature: Uint8Array;
  /** The entry cannot be read as an Authenticode signature: a broken signature with this reason. */
  unreadable: Reason | null;
}

class LimitExceeded extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/**
 * Reads one signature and, depth first, those nested in it; pushes each onto `found` in file order
 * (a parent before its nested ones). Limits throw LimitExceeded.
 */
function collect(
  id: string,
  bytes: Uint8Array,
  depth: number,
  envelopeLimits: VerifyLimits,
  limits: AuthenticodeLimits,
  found: Found[],
): void {
  if (found.length >= limits.maxSignatures)
    throw new LimitExceeded(
      'AUTHENTICODE_LIMIT_EXCEEDED',
      `the file holds more than ${limits.maxSignatures} signatures (nested ones included)`,
    );
  const read = readCmsEnvelope(bytes, envelopeLimits);
  if (!read.ok) {
    if (LIMIT_CODES.has(read.code)) throw new LimitExceeded(read.code, `signature ${id}: ${read.detail}`);
    found.push({ id, signature: bytes, unreadable: reason('AUTHENTICODE_ENTRY_UNREADABLE', read.detail) });
    return;
  }
  const problem = contentProblem(read.envelope);
  found.push({
    id,
    signature: bytes,
    unreadable: problem ? reason('AUTHENTICODE_CONTENT_INVALID', problem) : null,
  });
  const nested = read.envelope.signers.flatMap(
    (signer) => signer.unsignedAttributeValues.get(OID_NESTED_SIGNATURE) ?? [],
  );
  const values = nested.flat();
  if (values.length > 0 && depth >= limits.maxNestingDepth)
    throw new LimitExceeded(
      'AUTHENTICODE_LIMIT_EXCEEDED',
      `signature ${id} nests signatures deeper than ${limits.maxNestingDepth} level${limits.maxNestingDepth === 1 ? '' : 's'}`,
    );
  values.forEach((value, i) => {
    collect(`${id}.${i + 1}`, value, depth + 1, envelopeLimits, limits, found);
  });
}

/**
 * An Authenticode SignedData attaches its SpcIndirectDataContent, and its signer signs attributes (the
 * content type among them); anything else is not one. Without signed attributes the signature is a raw
 * one over the content's octets, which is what a plain id-data signature by the same key over the same
 * bytes is: nothing would bind it to Authenticode (a package signature over attacker-chosen bytes would
 * become an Authenticode signature of the attacker's PE file).
 */
function contentProblem(envelope: CmsEnvelope): string | null {
  if (envelope.contentType !== OID_SPC_INDIRECT_DATA)
    return `the signed content type is ${envelope.contentType}, not SpcIndirectDataContent`;
  if (!envelope.encapsulated) return 'the SpcIndirectDataContent is not attached as a SEQUENCE';
  if (envelope.signers.some((signer) => !signer.signedAttributes))
    return 'the signer has no signed attributes (Authenticode signs its content type and message digest as attributes)';
  return null;
}

/**
 * The SpcIndirectDataContent against the file, for verifySignedData's integrity check: its data type must
 * be `dataType` (SPC_PE_IMAGE_DATAOBJ for a PE image, SPC_CAB_DATA_OBJ for a cabinet).
 */
function spcCheck(imageHash: (hash: HashName) => Promise<Uint8Array>, dataType: string): ContentCheck {
  return {
    contentType: OID_SPC_INDIRECT_DATA,
    check: async (envelope, signerHash) => {
      const spc = envelope.encapsulated ? readSpcIndirectData(envelope.encapsulated, dataType) : null;
      if (!spc?.ok)
        return [
          reason(
            'AUTHENTICODE_CONTENT_INVALID',
            `the SpcIndirectDataContent cannot be read: ${spc ? spc.problem : 'it is not attached'}`,
          ),
        ];
      const policy = digestAlgorithm(spc.value.digestAlgorithmOid);
      if (!policy.ok) return [policy.reason];
      if (policy.hash !== signerHash)
        return [
          reason(
            'AUTHENTICODE_DIGEST_ALGORITHM_MISMATCH',
            `the image is hashed with ${policy.hash} but the signer digests with ${signerHash}`,
          ),
        ];
      const actual = await imageHash(policy.hash);
      return bytesEqual(actual, spc.value.digest)
        ? []
        : [
            reason(
              'AUTHENTICODE_IMAGE_HASH_MISMATCH',
              `the file's ${policy.hash} image hash differs from the one signed: the file was changed after signing, or the signature is another file's`,
            ),
          ];
    },
  };
}

interface Checked {
  summary: SignatureSummary;
  outcome: VerifyOutcome;
  broken: boolean;
}

const labelled = (id: string, many: boolean, reasons: readonly Reason[]): Reason[] =>
  many ? reasons.map((r) => ({ code: r.code, message: `signature ${id}: ${r.message}` })) : [...reasons];

/**
 * The file's verdict from its signatures: trusted iff at least one is trusted and none is broken. Then
 * the first trusted one decides (signer, chain, anchor), and every other signature's reasons are warnings.
 * With none trusted: unknown_root when one is unknown_root and none is broken (the first such decides, its
 * top is escalated); otherwise rejected with every signature's reasons, the first broken (else the first)
 * deciding.
 */
export function combine(checked: readonly Checked[]): VerifyOutcome {
  const many = checked.length > 1;
  const signatures = checked.map((c) => c.summary);
  const evidence = checked.flatMap((c) => c.outcome.revocationEvidence ?? []);
  const anyBroken = checked.some((c) => c.broken);
  const trusted = anyBroken ? undefined : checked.find((c) => c.outcome.verdict === 'trusted');
  const unknown = anyBroken ? undefined : checked.find((c) => c.outcome.verdict === 'unknown_root');
  const deciding = trusted ?? unknown ?? checked.find((c) => c.broken) ?? checked[0];
  if (!deciding) throw new Error('combine needs at least one signature');
  const others = checked.filter((c) => c !== deciding);
  const base = { ...deciding.outcome, signatures };
  delete base.revocationEvidence;
  delete base.warnings;
  if (evidence.length > 0) base.revocationEvidence = evidence;
  if (trusted) {
    const warnings = [
      ...labelled(deciding.summary.id, many, deciding.outcome.warnings ?? []),
      ...others.flatMap((c) =>
        labelled(c.summary.id, many, [...c.outcome.reasons, ...(c.outcome.warnings ?? [])]),
      ),
    ];
    return {
      ...base,
      verdict: 'trusted',
      reasons: [],
      top: null,
      ...(warnings.length > 0 ? { warnings } : {}),
    };
  }
  const reasons = [deciding, ...others].flatMap((c) => labelled(c.summary.id, many, c.outcome.reasons));
  const warnings = labelled(deciding.summary.id, many, deciding.outcome.warnings ?? []);
  return {
    ...base,
    verdict: unknown ? 'unknown_root' : 'rejected',
    reasons,
    top: unknown ? deciding.outcome.top : null,
    ...(warnings.length > 0 ? { warnings } : {}),
  };
}

const fromRejection = (id: string, reasons: Reason[]): Checked => {
  const result = rejectedWithoutSigner(reasons);
  const outcome = (result as { ok: true; outcome: VerifyOutcome }).outcome;
  return {
    outcome,
    broken: true,
    summary: {
      id,
      verdict: 'rejected',
      reasons,
      signer: null,
      chain: [],
      anchorId: null,
      digestAlgorithm: null,
    },
  };
};

/** The request's limits over the defaults, and the refusal of a file over `maxImageBytes` (PE or cabinet). */
export function limitsFor(
  request: VerifyAuthenticodeRequest,
  what: string,
): { limits: AuthenticodeLimits; verifyLimits: VerifyLimits; oversized: VerifyResult | null } {
  const limits: AuthenticodeLimits = { ...DEFAULT_AUTHENTICODE_LIMITS, ...request.limits };
  const size = request.image.length;
  return {
    limits,
    verifyLimits: { ...DEFAULT_VERIFY_LIMITS, ...request.limits },
    oversized:
      size > limits.maxImageBytes
        ? {
            ok: false,
            code: 'AUTHENTICODE_LIMIT_EXCEEDED',
            detail: `the ${what} is ${size} bytes; at most ${limits.maxImageBytes} are verified`,
          }
        : null,
  };
}

export async function verifyAuthenticode(request: VerifyAuthenticodeRequest): Promise<VerifyResult> {
  const { limits, verifyLimits, oversized } = limitsFor(request, 'image');
  if (oversized) return oversized;
  const image = request.image;
  const pe = readPeLayout(image);
  if (!pe.ok)
    return rejectedWithoutSigner([
      reason(pe.kind === 'pe' ? 'AUTHENTICODE_PE_MALFORMED' : 'AUTHENTICODE_TABLE_MALFORMED', pe.problem),
    ]);
  const layout: PeLayout = pe.layout;

  const blobs: EmbeddedSignature[] = [];
  if (layout.table) {
    const table = readCertificateTable(image, layout.table, {
      maxEntries: limits.maxTableEntries,
      maxEntryBytes: limits.maxEntryBytes,
    });
    if (!table.ok) {
      if (table.kind === 'limit')
        return { ok: false, code: 'AUTHENTICODE_LIMIT_EXCEEDED', detail: table.detail };
      return rejectedWithoutSigner([reason('AUTHENTICODE_TABLE_MALFORMED', table.problem)]);
    }
    table.entries.forEach((entry, i) => {
      blobs.push({ id: String(i + 1), bytes: entry.certificate, what: `table entry ${i + 1}` });
    });
  }
  return verifyEmbedded(request, blobs, limits, verifyLimits, {
    dataType: OID_SPC_PE_IMAGE_DATA,
    parts: () => imageHashParts(image, layout),
    unsigned: 'the PE image has no attribute certificate table, and no signature was given for it',
  });
}

/** A signature as the file holds it (zero padding included), with its id and how to name it. */
export interface EmbeddedSignature {
  id: string;
  bytes: Uint8Array;
  what: string;
}

/**
 * The part shared by every Authenticode format once its reader found the signatures the file holds:
 * each embedded one (and its nested ones) and the given one are read within the limits, a file with none
 * is unsigned, and the rest is `verifyFound`.
 */
export async function verifyEmbedded(
  request: VerifyAuthenticodeRequest,
  embedded: readonly EmbeddedSignature[],
  limits: AuthenticodeLimits,
  verifyLimits: VerifyLimits,
  file: SignedFile & { unsigned: string },
): Promise<VerifyResult> {
  const found: Found[] = [];
  const entryLimits: VerifyLimits = { ...verifyLimits, maxSignatureBytes: limits.maxEntryBytes };
  try {
    for (const blob of embedded) {
      const signature = withoutTrailingZeros(blob.bytes);
      if (signature) collect(blob.id, signature, 0, entryLimits, limits, found);
      else
        found.push({
          id: blob.id,
          signature: blob.bytes,
          unreadable: reason(
            'AUTHENTICODE_ENTRY_UNREADABLE',
            `${blob.what} is not one DER SignedData followed only by zero padding`,
          ),
        });
    }
    if (request.signature) collect('given', request.signature, 0, verifyLimits, limits, found);
  } catch (error) {
    if (error instanceof LimitExceeded) return { ok: false, code: error.code, detail: error.detail };
    throw error;
  }
  if (found.length === 0) return rejectedWithoutSigner([reason('AUTHENTICODE_UNSIGNED', file.unsigned)]);
  return verifyFound(request, found, verifyLimits, entryLimits, file);
}

/** What a file format gives the shared per-signature verification. */
interface SignedFile {
  /** The SpcIndirectDataContent data type its signatures must carry. */
  dataType: string;
  /** The views of the file that its Authenticode digest covers, in order. */
  parts: () => Uint8Array[];
}

/**
 * Verifies every found signature (at least one) against the file's digest and combines the verdicts:
 * the part shared by all Authenticode formats (PE, cabinet).
 */
async function verifyFound(
  request: VerifyAuthenticodeRequest,
  found: readonly Found[],
  verifyLimits: VerifyLimits,
  entryLimits: VerifyLimits,
  file: SignedFile,
): Promise<VerifyResult> {
  // One image hash per algorithm, computed when a signature first needs it.
  const digestParts = request.digestParts ?? nobleDigestParts;
  const hashes = new Map<HashName, Promise<Uint8Array>>();
  const imageHash = (hash: HashName): Promise<Uint8Array> => {
    let pending = hashes.get(hash);
    if (!pending) {
      pending = digestParts(hash, file.parts());
      hashes.set(hash, pending);
    }
    return pending;
  };
  const check = spcCheck(imageHash, file.dataType);
  const share = Math.max(
    MIN_CHECKS_PER_SIGNATURE,
    Math.floor(
      (request.limits?.maxSignatureChecksPerFile ?? DEFAULT_AUTHENTICODE_LIMITS.maxSignatureChecksPerFile) /
        found.length,
    ),
  );
  const checksOf = (base: VerifyLimits): VerifyLimits => ({
    ...base,
    maxSignatureChecks: Math.min(base.maxSignatureChecks, share),
  });

  const { signature: _signature, image: _image, digestParts: _parts, limits: _limits, ...common } = request;
  const checked: Checked[] = [];
  for (const item of found) {
    if (item.unreadable) {
      checked.push(fromRejection(item.id, [item.unreadable]));
      continue;
    }
    const { result, timestamp } = await verifySignedData(
      {
        ...common,
        signature: item.signature,
        artifact: { kind: 'none' },
        limits: checksOf(item.id.startsWith('given') ? verifyLimits : entryLimits),
      },
      check,
    );
    if (!result.ok) {
      if (LIMIT_CODES.has(result.code))
        return { ok: false, code: result.code, detail: `signature ${item.id}: ${result.detail}` };
      checked.push(
        fromRejection(item.id, [reason('AUTHENTICODE_ENTRY_UNREADABLE', `${result.code}: ${result.detail}`)]),
      );
      continue;
    }
    const outcome = result.outcome;
    checked.push({
      outcome,
      broken: isBroken(outcome.reasons),
      summary: {
        id: item.id,
        verdict: outcome.verdict,
        reasons: outcome.reasons,
        signer: outcome.signer,
        chain: outcome.chain,
        anchorId: outcome.anchorId,
        digestAlgorithm: outcome.digestAlgorithm,
        ...(timestamp ? { timestamp } : {}),
      },
    });
  }
  return { ok: true, outcome: combine(checked) };
}
