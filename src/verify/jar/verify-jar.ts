import { base64ToBytes, bytesEqual } from '../../encoding';
import { reason } from '../reasons';
import {
  DEFAULT_VERIFY_LIMITS,
  type DigestBytes,
  rejectedWithoutSigner as rejected,
  type VerifyLimits,
  type VerifyOutcome,
  type VerifyRequest,
  type VerifyResult,
  verifyPackage,
  webCryptoDigest,
} from '../verify-package';
import { readEntryData } from './entry-data';
import { type JarHash, type Manifest, type ManifestSection, parseManifest, pickDigest } from './manifest';
import { ReasonList } from './reason-list';
import { findSignatureFiles, MANIFEST_NAME } from './signature-files';
import { type ArchiveLimits, DEFAULT_ARCHIVE_LIMITS, readZip, type ZipEntry } from './zip-reader';

/**
 * Verifies a signed JAR (or any ZIP signed the JAR way) as `jarsigner -verify -strict` would, and then
 * some: the archive's structure (zip-reader.ts), the PKCS#7 block over the .SF file with our own integrity,
 * timestamp, chain and policy checks (verifyPackage), the .SF digests over the manifest (whole, or main
 * attributes and each section), and the manifest digests over every entry. Every entry other than the
 * signature files must be signed, and every signed entry must be there. The last two are checked only for
 * a trusted signer (see verifyJar).
 */

/** A verdict on a JAR carries the PKCS#7 block that was verified (for checks that read its signer again). */
export type VerifyJarResult = VerifyResult;

export interface VerifyJarRequest extends Omit<VerifyRequest, 'signature' | 'artifact' | 'limits'> {
  archive: Uint8Array;
  limits?: Partial<VerifyLimits & ArchiveLimits>;
}

async function digestBase64Matches(
  digest: DigestBytes,
  hash: JarHash,
  data: Uint8Array,
  expected: string,
): Promise<boolean> {
  const want = base64ToBytes(expected);
  if (!want) return false;
  return bytesEqual(await digest(hash, data), want);
}

async function sectionMatches(
  digest: DigestBytes,
  hash: JarHash,
  section: ManifestSection,
  expected: string,
): Promise<boolean> {
  return (
    (await digestBase64Matches(digest, hash, section.raw, expected)) ||
    (await digestBase64Matches(digest, hash, section.rawWithoutBlankLine, expected))
  );
}

/**
 * The .SF file against the manifest. Returns the names whose manifest sections the signature covers
 * (all of them when the whole-manifest digest matches), and the reasons found.
 */
async function checkSignatureFile(
  hashBytes: DigestBytes,
  signatureFile: Manifest,
  manifest: Manifest,
  manifestBytes: Uint8Array,
  reasons: ReasonList,
): Promise<Set<string>> {
  const whole = pickDigest(signatureFile.main, '-Digest-Manifest');
  if (
    whole.kind === 'strong' &&
    (await digestBase64Matches(hashBytes, whole.hash, manifestBytes, whole.value))
  ) {
    return new Set(manifest.entries.keys());
  }
  if (whole.kind === 'weak') {
    reasons.add(reason('WEAK_DIGEST_ALGORITHM', `the .SF digests the manifest with ${whole.algorithm}`));
  }
  // Without a matching whole-manifest digest, the main attributes and each section are checked apart.
  const mainDigest = pickDigest(signatureFile.main, '-Digest-Manifest-Main-Attributes');
  if (mainDigest.kind === 'strong') {
    if (!(await sectionMatches(hashBytes, mainDigest.hash, manifest.main, mainDigest.value))) {
      reasons.add(
        reason(
          'JAR_MANIFEST_DIGEST_MISMATCH',
          'the .SF digest of the manifest main attributes does not match',
        ),
      );
    }
  } else if (whole.kind === 'strong') {
    reasons.add(
      reason('JAR_MANIFEST_DIGEST_MISMATCH', 'the .SF digest of the whole manifest does not match'),
    );
  } else if (whole.kind === 'none') {
    // jarsigner tolerates this, but then Main-Class, Class-Path and the like are unsigned and could be
    // changed without a trace: refuse.
    reasons.add(
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
      reasons.add(
        reason('WEAK_DIGEST_ALGORITHM', `the .SF digests the section of "${name}" with ${digest.algorithm}`),
      );
      continue;
    }
    if (!section || digest.kind === 'none') continue;
    if (await sectionMatches(hashBytes, digest.hash, section, digest.value)) covered.add(name);
    else {
      reasons.add(
        reason(
          'JAR_MANIFEST_DIGEST_MISMATCH',
          `the .SF digest of the manifest section of "${name}" does not match`,
        ),
      );
    }
  }
  return covered;
}

const isDirectory = (entry: ZipEntry) => entry.name.endsWith('/') && entry.uncompressedSize === 0;

/** A size the central directory declares for a signature entry, over its cap: refused before inflating. */
function overCap(entry: ZipEntry, cap: number): VerifyJarResult | null {
  if (entry.uncompressedSize <= cap) return null;
  return {
    ok: false,
    code: 'ARCHIVE_LIMIT_EXCEEDED',
    detail: `"${entry.name}" declares ${entry.uncompressedSize} bytes; at most ${cap} are read`,
  };
}

/**
 * A verdict the signature decided alone. Its reasons say that nothing past the .SF was read, so that a
 * reader (a pipeline, the audit row of an escalation) does not take it for an archive whose entries held.
 */
function decidedBySignature(outcome: VerifyOutcome, signatureFileName: string): VerifyJarResult {
  const note = `the manifest and the entries were not checked: they are read only once the signature over ${signatureFileName} is trusted`;
  const [first, ...rest] = outcome.reasons;
  if (!first) return { ok: true, outcome };
  return {
    ok: true,
    outcome: { ...outcome, reasons: [{ ...first, message: `${first.message} (${note})` }, ...rest] },
  };
}

/**
 * Work is ordered so that nothing a signer chaining to no root (anyone can make one) sends costs more than
 * reading the signature: the archive's structure (no inflating), then the .SF and its PKCS#7 block (each
 * capped by its declared size), then the block over the .SF. Only a trusted signer gets its manifest and
 * entries inflated and digested; any other verdict is answered as the signature decided it.
 */
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
  const manifestEntry = files.manifest;
  if (!manifestEntry) {
    return rejected([reason('JAR_UNSIGNED', `the archive has a signature file but no META-INF/MANIFEST.MF`)]);
  }
  const maxBlockBytes = request.limits?.maxSignatureBytes ?? DEFAULT_VERIFY_LIMITS.maxSignatureBytes;
  const tooLarge =
    overCap(manifestEntry, archiveLimits.maxManifestBytes) ??
    overCap(signer.signatureFile, archiveLimits.maxManifestBytes) ??
    overCap(signer.block, maxBlockBytes);
  if (tooLarge) return tooLarge;

  // What the signature needs, and nothing else: the .SF and its block.
  const sfRead = readEntryData(request.archive, signer.signatureFile);
  if (!sfRead.ok) return rejected([reason('ZIP_ENTRY_CORRUPT', sfRead.problem)]);
  const blockRead = readEntryData(request.archive, signer.block);
  if (!blockRead.ok) return rejected([reason('ZIP_ENTRY_CORRUPT', blockRead.problem)]);
  const sfBytes = sfRead.bytes;

  // The PKCS#7 block over the .SF bytes: integrity, timestamp, chain and policy, as for any CMS signature.
  const cms = await verifyPackage({
    ...request,
    signature: blockRead.bytes,
    artifact: { kind: 'bytes', bytes: sfBytes },
    limits: request.limits,
  });
  if (!cms.ok) return cms;
  if (cms.outcome.verdict !== 'trusted') return decidedBySignature(cms.outcome, signer.signatureFile.name);

  // A trusted signer: the .SF, the manifest and every entry must now say what it signed.
  const jarReasons = new ReasonList();
  const signatureFile = parseManifest(sfBytes);
  const manifestRead = readEntryData(request.archive, manifestEntry);
  const manifest = manifestRead.ok ? parseManifest(manifestRead.bytes) : null;
  if (!signatureFile.ok) {
    jarReasons.add(reason('JAR_MANIFEST_INVALID', `${signer.signatureFile.name}: ${signatureFile.problem}`));
  }
  if (!manifestRead.ok) jarReasons.add(reason('ZIP_ENTRY_CORRUPT', manifestRead.problem));
  else if (manifest && !manifest.ok) {
    jarReasons.add(reason('JAR_MANIFEST_INVALID', `${MANIFEST_NAME}: ${manifest.problem}`));
  }
  if (signatureFile.ok && manifestRead.ok && manifest?.ok) {
    await checkEntries(request, zip.entries, files.signingRelated, {
      signatureFile: signatureFile.manifest,
      manifest: manifest.manifest,
      manifestBytes: manifestRead.bytes,
      reasons: jarReasons,
    });
  }

  if (jarReasons.size === 0) return cms;
  // A JAR whose contents are not what was signed is rejected.
  return {
    ok: true,
    outcome: {
      ...cms.outcome,
      verdict: 'rejected',
      reasons: [...jarReasons.toArray(), ...cms.outcome.reasons],
      top: null,
    },
  };
}

/** The .SF digests over the manifest, then the manifest digests over every entry, one entry in memory at a time. */
async function checkEntries(
  request: VerifyJarRequest,
  entries: ZipEntry[],
  signingRelated: Set<string>,
  signed: { signatureFile: Manifest; manifest: Manifest; manifestBytes: Uint8Array; reasons: ReasonList },
): Promise<void> {
  const { manifest, reasons } = signed;
  const covered = await checkSignatureFile(
    request.digest ?? webCryptoDigest(request.subtle),
    signed.signatureFile,
    manifest,
    signed.manifestBytes,
    reasons,
  );

  const present = new Set(entries.map((e) => e.name));
  for (const [name, section] of manifest.entries) {
    const digest = pickDigest(section, '-Digest');
    if (digest.kind !== 'none' && !present.has(name)) {
      reasons.add(
        reason('JAR_ENTRY_MISSING', `the manifest signs "${name}", which the archive does not hold`),
      );
    }
  }
  for (const entry of entries) {
    if (signingRelated.has(entry.name) || isDirectory(entry)) continue;
    const section = manifest.entries.get(entry.name);
    const digest = section ? pickDigest(section, '-Digest') : { kind: 'none' as const };
    if (digest.kind === 'weak') {
      reasons.add(
        reason('WEAK_DIGEST_ALGORITHM', `"${entry.name}" is digested with ${digest.algorithm} only`),
      );
      continue;
    }
    if (digest.kind === 'none' || !covered.has(entry.name)) {
      reasons.add(reason('JAR_ENTRY_NOT_SIGNED', `"${entry.name}" is not covered by the signed manifest`));
      continue;
    }
    const read = readEntryData(request.archive, entry);
    if (!read.ok) {
      reasons.add(reason('ZIP_ENTRY_CORRUPT', read.problem));
      continue;
    }
    if (
      !(await digestBase64Matches(
        request.digest ?? webCryptoDigest(request.subtle),
        digest.hash,
        read.bytes,
        digest.value,
      ))
    ) {
      reasons.add(
        reason(
          'JAR_ENTRY_DIGEST_MISMATCH',
          `the ${digest.hash} digest of "${entry.name}" differs from the manifest`,
        ),
      );
    }
  }
}
