import { base64ToBytes } from '../pem';
import { type Reason, reason } from '../reasons';
import {
  DEFAULT_VERIFY_LIMITS,
  type VerifyLimits,
  type VerifyOutcome,
  type VerifyRequest,
  type VerifyResult,
  verifyPackage,
} from '../verify-package';
import { readEntryData } from './entry-data';
import { type JarHash, type Manifest, type ManifestSection, parseManifest, pickDigest } from './manifest';
import { findSignatureFiles } from './signature-files';
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, equalBytes, readZip, type ZipEntry } from './zip-reader';

/**
 * Verifies a signed JAR (or any ZIP signed the JAR way) as `jarsigner -verify -strict` would, and then
 * some: the archive's structure (zip-reader.ts), the PKCS#7 block over the .SF file with our own integrity,
 * timestamp, chain and policy checks (verifyPackage), the .SF digests over the manifest (whole, or main
 * attributes and each section), and the manifest digests over every entry. Every entry other than the
 * signature files must be signed, and every signed entry must be there.
 */

/** A verdict on a JAR carries the PKCS#7 block that was verified (for checks that read its signer again). */
export type VerifyJarResult = VerifyResult;

export interface VerifyJarRequest extends Omit<VerifyRequest, 'signature' | 'artifact' | 'limits'> {
  archive: Uint8Array;
  limits?: Partial<VerifyLimits & ArchiveLimits>;
}

const rejected = (reasons: Reason[]): VerifyResult => ({
  ok: true,
  outcome: {
    verdict: 'rejected',
    reasons,
    signer: null,
    chain: [],
    anchorId: null,
    top: null,
    digestAlgorithm: null,
    signerDer: null,
  },
});

async function digestBase64Matches(
  subtle: SubtleCrypto,
  hash: JarHash,
  data: Uint8Array,
  expected: string,
): Promise<boolean> {
  const want = base64ToBytes(expected);
  if (!want) return false;
  return equalBytes(new Uint8Array(await subtle.digest(hash, new Uint8Array(data))), want);
}

async function sectionMatches(
  subtle: SubtleCrypto,
  hash: JarHash,
  section: ManifestSection,
  expected: string,
): Promise<boolean> {
  return (
    (await digestBase64Matches(subtle, hash, section.raw, expected)) ||
    (await digestBase64Matches(subtle, hash, section.rawWithoutBlankLine, expected))
  );
}

/**
 * The .SF file against the manifest. Returns the names whose manifest sections the signature covers
 * (all of them when the whole-manifest digest matches), and the reasons found.
 */
async function checkSignatureFile(
  subtle: SubtleCrypto,
  signatureFile: Manifest,
  manifest: Manifest,
  manifestBytes: Uint8Array,
): Promise<{ covered: Set<string>; reasons: Reason[] }> {
  const reasons: Reason[] = [];
  const whole = pickDigest(signatureFile.main, '-Digest-Manifest');
  if (
    whole.kind === 'strong' &&
    (await digestBase64Matches(subtle, whole.hash, manifestBytes, whole.value))
  ) {
    return { covered: new Set(manifest.entries.keys()), reasons };
  }
  if (whole.kind === 'weak') {
    reasons.push(reason('WEAK_DIGEST_ALGORITHM', `the .SF digests the manifest with ${whole.algorithm}`));
  }
  // Without a matching whole-manifest digest, the main attributes and each section are checked apart.
  const mainDigest = pickDigest(signatureFile.main, '-Digest-Manifest-Main-Attributes');
  if (mainDigest.kind === 'strong') {
    if (!(await sectionMatches(subtle, mainDigest.hash, manifest.main, mainDigest.value))) {
      reasons.push(
        reason(
          'JAR_MANIFEST_DIGEST_MISMATCH',
          'the .SF digest of the manifest main attributes does not match',
        ),
      );
    }
  } else if (whole.kind === 'strong') {
    reasons.push(
      reason('JAR_MANIFEST_DIGEST_MISMATCH', 'the .SF digest of the whole manifest does not match'),
    );
  } else if (whole.kind === 'none') {
    // jarsigner tolerates this, but then Main-Class, Class-Path and the like are unsigned and could be
    // changed without a trace: refuse.
    reasons.push(
      reason(
        'JAR_MANIFEST_DIGEST_MISMATCH',
        'the .SF signs neither the whole manifest nor its main attributes, so the main attributes are unsigned',
      ),
    );
  }
  const covered = new Set<string>();
  for (const [name, sfSection] of signatureFile.entries) {
    const section = manifest.entries.get(name);
    const digest = pickDigest(sfSection, '-Digest');
    if (digest.kind === 'weak') {
      reasons.push(
        reason('WEAK_DIGEST_ALGORITHM', `the .SF digests the section of "${name}" with ${digest.algorithm}`),
      );
      continue;
    }
    if (!section || digest.kind === 'none') continue;
    if (await sectionMatches(subtle, digest.hash, section, digest.value)) covered.add(name);
    else {
      reasons.push(
        reason(
          'JAR_MANIFEST_DIGEST_MISMATCH',
          `the .SF digest of the manifest section of "${name}" does not match`,
        ),
      );
    }
  }
  return { covered, reasons };
}

const isDirectory = (entry: ZipEntry) => entry.name.endsWith('/') && entry.uncompressedSize === 0;

export async function verifyJar(request: VerifyJarRequest): Promise<VerifyJarResult> {
  const archiveLimits: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS, ...request.limits };
  const zip = readZip(request.archive, archiveLimits);
  if (!zip.ok) {
    return zip.kind === 'error' ? { ok: false, code: zip.code, detail: zip.detail } : rejected(zip.reasons);
  }
  const files = findSignatureFiles(zip.entries);
  if (files.problems.length > 0) return rejected(files.problems);
  const signer = files.signers[0];
  if (!signer) {
    return rejected([
      reason('JAR_UNSIGNED', 'the archive has no signature file (META-INF/*.SF) with a signature block'),
    ]);
  }
  const maxSigners = request.limits?.maxSigners ?? DEFAULT_VERIFY_LIMITS.maxSigners;
  if (files.signers.length > maxSigners) {
    return {
      ok: false,
      code: 'SIGNERS_LIMIT',
      detail: `the archive has ${files.signers.length} signature files; at most ${maxSigners} is verified`,
    };
  }
  if (!files.manifest) {
    return rejected([reason('JAR_UNSIGNED', `the archive has a signature file but no META-INF/MANIFEST.MF`)]);
  }

  // The signature files are read first; every other entry is inflated, digested and dropped in turn below,
  // so that at most one entry is in memory at a time (bounded: the sizes were checked against the limits).
  const signatureBytes: Uint8Array[] = [];
  for (const entry of [files.manifest, signer.signatureFile, signer.block]) {
    const read = readEntryData(request.archive, entry);
    if (!read.ok) return rejected([reason('ZIP_ENTRY_CORRUPT', read.problem)]);
    signatureBytes.push(read.bytes);
  }
  const [manifestBytes, sfBytes, blockBytes] = signatureBytes as [Uint8Array, Uint8Array, Uint8Array];
  const manifest = parseManifest(manifestBytes);
  if (!manifest.ok)
    return rejected([reason('JAR_MANIFEST_INVALID', `META-INF/MANIFEST.MF: ${manifest.problem}`)]);
  const signatureFile = parseManifest(sfBytes);
  if (!signatureFile.ok) {
    return rejected([
      reason('JAR_MANIFEST_INVALID', `${signer.signatureFile.name}: ${signatureFile.problem}`),
    ]);
  }

  // The PKCS#7 block over the .SF bytes: integrity, timestamp, chain and policy, as for any CMS signature.
  const cms = await verifyPackage({
    ...request,
    signature: blockBytes,
    artifact: { kind: 'bytes', bytes: sfBytes },
    limits: request.limits,
  });
  if (!cms.ok) return cms;

  const jarReasons: Reason[] = [];
  const sf = await checkSignatureFile(
    request.subtle,
    signatureFile.manifest,
    manifest.manifest,
    manifestBytes,
  );
  jarReasons.push(...sf.reasons);

  const present = new Set(zip.entries.map((e) => e.name));
  for (const [name, section] of manifest.manifest.entries) {
    const digest = pickDigest(section, '-Digest');
    if (digest.kind !== 'none' && !present.has(name)) {
      jarReasons.push(
        reason('JAR_ENTRY_MISSING', `the manifest signs "${name}", which the archive does not hold`),
      );
    }
  }
  for (const entry of zip.entries) {
    if (files.signingRelated.has(entry.name) || isDirectory(entry)) continue;
    const section = manifest.manifest.entries.get(entry.name);
    const digest = section ? pickDigest(section, '-Digest') : { kind: 'none' as const };
    if (digest.kind === 'weak') {
      jarReasons.push(
        reason('WEAK_DIGEST_ALGORITHM', `"${entry.name}" is digested with ${digest.algorithm} only`),
      );
      continue;
    }
    if (digest.kind === 'none' || !sf.covered.has(entry.name)) {
      jarReasons.push(
        reason('JAR_ENTRY_NOT_SIGNED', `"${entry.name}" is not covered by the signed manifest`),
      );
      continue;
    }
    const read = readEntryData(request.archive, entry);
    if (!read.ok) {
      jarReasons.push(reason('ZIP_ENTRY_CORRUPT', read.problem));
      continue;
    }
    if (!(await digestBase64Matches(request.subtle, digest.hash, read.bytes, digest.value))) {
      jarReasons.push(
        reason(
          'JAR_ENTRY_DIGEST_MISMATCH',
          `the ${digest.hash} digest of "${entry.name}" differs from the manifest`,
        ),
      );
    }
  }

  const outcome: VerifyOutcome = cms.outcome;
  if (jarReasons.length === 0) return cms;
  // A JAR whose contents are not what was signed is rejected, never escalated as an unknown root.
  return {
    ok: true,
    outcome: {
      ...outcome,
      verdict: 'rejected',
      reasons: [...jarReasons, ...outcome.reasons],
      top: outcome.verdict === 'unknown_root' ? outcome.top : null,
    },
  };
}
