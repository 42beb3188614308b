import { type Failure, inputFailure, usage } from './failure';
import type { CliIo } from './io';

/** Signature files found next to a package, in this order: `pkg.zip.p7s`, `pkg.zip.sig`, `pkg.zip.p7b`. */
const SIGNATURE_SUFFIXES = ['.p7s', '.sig', '.p7b'] as const;

export interface PackageJob {
  /** As the user named it (or the folder joined with the file name). */
  path: string;
  size: number;
  /** The detached or attached CMS signature; null for a signed JAR/ZIP or PE file, which carries its own. */
  signature: string | null;
}

/** A package that could not even be sent, with why. */
export interface PackageProblem {
  path: string;
  signature: string | null;
  failure: Failure;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** "MZ": a PE file (exe, dll, sys, efi) starts with a DOS header; the server reads the rest strictly. */
const PE_MAGIC = [0x4d, 0x5a];
/** "MSCF": a Microsoft Cabinet, whose Authenticode signature is in its header reserve. */
const CAB_MAGIC = [0x4d, 0x53, 0x43, 0x46];

const startsWith = (head: Uint8Array, magic: readonly number[]) => magic.every((byte, i) => head[i] === byte);

const trimSlashes = (path: string) => (path.length > 1 ? path.replace(/\/+$/, '') : path);

/** `pkg.zip` for `pkg.zip.p7s` (the suffixes are all four characters). */
const packageOf = (signatureName: string) => signatureName.slice(0, -4);

const isSignatureFile = (name: string) => SIGNATURE_SUFFIXES.some((suffix) => name.endsWith(suffix));

/**
 * The packages the arguments name: files as given, and the files of a folder (not its subfolders;
 * a signature file is not a package, and one without its package is an error), each with its signature
 * found by convention,
 * or the one `--signature` names.
 */
export async function findPackages(
  io: CliIo,
  paths: string[],
  explicitSignature: string | undefined,
): Promise<{ jobs: Array<PackageJob | PackageProblem> } | Failure> {
  if (paths.length === 0) return usage('name at least one package file or folder');
  const files: Array<{ path: string; size: number } | PackageProblem> = [];
  const named = new Set(paths.map(trimSlashes));
  for (const path of paths) {
    const facts = await io.stat(path);
    if (!facts) {
      files.push({
        path,
        signature: null,
        failure: inputFailure('FILE_NOT_FOUND', `${path}: no such file or folder`),
      });
    } else if (facts.kind === 'other') {
      files.push({
        path,
        signature: null,
        failure: inputFailure('FILE_NOT_FOUND', `${path}: not a regular file or folder`),
      });
    } else if (facts.kind === 'directory') {
      // Every file of the folder is accounted for: a package, the signature of one beside it, or an
      // error. A pipeline that installs the folder must not install a file nobody verified (a hidden
      // `.payload.so`, a binary named `x.sig` with no `x` beside it).
      const listed = (await io.listDir(path)).sort();
      const before = files.length;
      // The names that are packages of the folder: a signature file beside anything else (another
      // signature, as `x.p7s.sig`, or a subfolder) would be verified by no one.
      const packages = new Set<string>();
      for (const name of listed.filter((entry) => !isSignatureFile(entry))) {
        const child = io.joinPath(path, name);
        const childFacts = await io.stat(child);
        if (childFacts?.kind === 'directory') {
          // Not verified, so not passed over in silence: a pipeline copying the folder would install
          // its subfolders' files too. Naming the subfolder as well verifies it (its own files).
          if (!named.has(trimSlashes(child)))
            files.push({
              path: child,
              signature: null,
              failure: inputFailure(
                'FOLDER_NOT_VERIFIED',
                `${child}: a subfolder, whose files are not verified: name it too, or move it out`,
              ),
            });
          continue;
        }
        packages.add(name);
        if (childFacts?.kind === 'file') files.push({ path: child, size: childFacts.size });
        // A name that looks like a package but cannot be read as one (a dangling link, a pipe, a link
        // loop, a file gone since the listing) fails: skipping it would let the folder pass without it.
        else
          files.push({
            path: child,
            signature: null,
            failure: inputFailure(
              'FILE_NOT_FOUND',
              `${child}: ${childFacts ? 'not a regular file' : 'gone, or a link to nothing'}`,
            ),
          });
      }
      const empty = files.length === before;
      const orphans = listed.filter((name) => isSignatureFile(name) && !packages.has(packageOf(name)));
      files.splice(
        before,
        0,
        ...orphans.map((orphan) => ({
          path: io.joinPath(path, orphan),
          signature: null,
          failure: inputFailure(
            'SIGNATURE_WITHOUT_PACKAGE',
            listed.includes(packageOf(orphan))
              ? `${io.joinPath(path, orphan)}: a signature file for ${packageOf(orphan)}, which is no package (a signature file or a folder)`
              : `${io.joinPath(path, orphan)}: a signature file with no ${packageOf(orphan)} beside it`,
          ),
        })),
      );
      // A named folder with no package (a build that produced nothing) is not a pass for that folder.
      if (empty && paths.length > 1)
        files.push({
          path,
          signature: null,
          failure: inputFailure('FILE_NOT_FOUND', `${path}: no package files in the folder`),
        });
    } else {
      files.push({ path, size: facts.size });
    }
  }
  if (files.length === 0) return usage(`no package files in ${paths.join(', ')}`);
  if (explicitSignature !== undefined && files.length !== 1)
    return usage('--signature names the signature of one package: give exactly one package file');
  const jobs: Array<PackageJob | PackageProblem> = [];
  for (const file of files) {
    if ('failure' in file) jobs.push(file);
    else jobs.push(await withSignature(io, file, explicitSignature));
  }
  return { jobs };
}

async function withSignature(
  io: CliIo,
  file: { path: string; size: number },
  explicit: string | undefined,
): Promise<PackageJob | PackageProblem> {
  if (explicit !== undefined) {
    const facts = await io.stat(explicit);
    if (facts?.kind !== 'file')
      return {
        path: file.path,
        signature: explicit,
        failure: inputFailure('FILE_NOT_FOUND', `${explicit}: no such signature file`),
      };
    return { ...file, signature: explicit };
  }
  const found: string[] = [];
  for (const suffix of SIGNATURE_SUFFIXES) {
    const candidate = `${file.path}${suffix}`;
    const facts = await io.stat(candidate);
    if (facts?.kind === 'file') found.push(candidate);
  }
  if (found.length > 1)
    return {
      path: file.path,
      signature: null,
      failure: inputFailure(
        'SIGNATURE_AMBIGUOUS',
        `${file.path}: more than one signature next to it (${found.join(', ')}): name one with --signature`,
      ),
    };
  if (found.length === 1) return { ...file, signature: found[0] as string };
  // A signed JAR/ZIP or PE file carries its signature inside; anything else without one cannot be verified.
  const head = await io.readFile(file.path, ZIP_MAGIC.length);
  if (startsWith(head, ZIP_MAGIC) || startsWith(head, PE_MAGIC) || startsWith(head, CAB_MAGIC))
    return { ...file, signature: null };
  return {
    path: file.path,
    signature: null,
    failure: inputFailure(
      'SIGNATURE_NOT_FOUND',
      `${file.path}: no signature (${SIGNATURE_SUFFIXES.map((s) => `${file.path}${s}`).join(', ')}) and not a signed ZIP/JAR or PE file: name it with --signature`,
    ),
  };
}
