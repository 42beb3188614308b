import { type Reason, reason } from '../reasons';
import type { ZipEntry } from './zip-reader';

/**
 * Which entries of a JAR carry its signature (JAR File Specification, "Signed JAR File"): the manifest
 * META-INF/MANIFEST.MF, signature files META-INF/<NAME>.SF and their PKCS#7 blocks META-INF/<NAME>.RSA,
 * .EC or .DSA. Names are taken exactly: a file that looks like one of these anywhere else, in another
 * case, or without its partner, is refused rather than ignored (a reader that is less strict might
 * take it for the signature).
 */

export const MANIFEST_NAME = 'META-INF/MANIFEST.MF';

export interface SignatureFileSet {
  manifest: ZipEntry | null;
  /** Each signature file with its block. */
  signers: Array<{ base: string; signatureFile: ZipEntry; block: ZipEntry }>;
  /** Entries that belong to the signature and so are not themselves covered by the manifest. */
  signingRelated: Set<string>;
  problems: Reason[];
}

const EXACT = /^META-INF\/([A-Za-z0-9_-]+)\.(SF|RSA|EC|DSA)$/;

/** What jarsigner treats as part of a signature, by its case-insensitive rules. */
function looksSigningRelated(name: string): boolean {
  const upper = name.toUpperCase();
  const base = upper.slice(upper.lastIndexOf('/') + 1);
  if (base === 'MANIFEST.MF') return upper.startsWith('META-INF/');
  if (upper.startsWith('META-INF/') && base.startsWith('SIG-')) return true;
  return /\.(SF|RSA|EC|DSA)$/.test(base) && (upper.startsWith('META-INF/') || base.endsWith('.SF'));
}

export function findSignatureFiles(entries: ZipEntry[]): SignatureFileSet {
  const problems: Reason[] = [];
  const signingRelated = new Set<string>();
  const signatureFiles = new Map<string, ZipEntry>();
  const blocks = new Map<string, ZipEntry[]>();
  let manifest: ZipEntry | null = null;

  for (const entry of entries) {
    if (entry.name === MANIFEST_NAME) {
      manifest = entry;
      signingRelated.add(entry.name);
      continue;
    }
    const exact = EXACT.exec(entry.name);
    if (exact) {
      const [, base, extension] = exact as unknown as [string, string, string];
      signingRelated.add(entry.name);
      if (extension === 'SF') signatureFiles.set(base, entry);
      else {
        const found = blocks.get(base);
        if (found) found.push(entry);
        else blocks.set(base, [entry]);
      }
      continue;
    }
    if (looksSigningRelated(entry.name)) {
      problems.push(
        reason(
          'JAR_SIGNATURE_FILE_MISPLACED',
          `"${entry.name}" looks like a signature file but is not META-INF/MANIFEST.MF or META-INF/<NAME>.SF|RSA|EC|DSA`,
        ),
      );
    }
  }

  const signers: SignatureFileSet['signers'] = [];
  for (const [base, signatureFile] of signatureFiles) {
    const found = blocks.get(base) ?? [];
    const block = found[0];
    if (!block) {
      problems.push(reason('JAR_SIGNATURE_FILE_MISPLACED', `META-INF/${base}.SF has no signature block`));
    } else if (found.length > 1) {
      problems.push(
        reason('JAR_SIGNATURE_FILE_MISPLACED', `META-INF/${base}.SF has more than one signature block`),
      );
    } else {
      signers.push({ base, signatureFile, block });
    }
  }
  for (const [base, found] of blocks) {
    if (!signatureFiles.has(base)) {
      for (const block of found) {
        problems.push(
          reason('JAR_SIGNATURE_FILE_MISPLACED', `"${block.name}" has no signature file META-INF/${base}.SF`),
        );
      }
    }
  }
  return { manifest, signers, signingRelated, problems };
}
