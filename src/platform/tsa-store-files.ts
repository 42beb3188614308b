import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { decodePemBlocks, isParseError, type PathAnchor, parseCertificate } from '../verify';
import { readStoreFile } from './store-file';

const PEM_FILE = /\.(pem|crt|cer)$/i;

/**
 * Timestamp-authority roots from the reviewed trust-store tree: `_tsa/*.pem` for every vendor and
 * `<vendor>/tsa/*.pem` for one vendor. They anchor RFC 3161 tokens only, never a signer's chain.
 */
export interface TsaStore {
  global: PathAnchor[];
  byVendor: Map<string, PathAnchor[]>;
}

async function anchorsIn(dir: string, prefix: string): Promise<PathAnchor[]> {
  let files: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return [];
    files = (await readdir(dir)).filter((f) => PEM_FILE.test(f)).sort();
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return [];
    throw error;
  }
  const anchors: PathAnchor[] = [];
  for (const file of files) {
    for (const block of decodePemBlocks(await readStoreFile(join(dir, file)))) {
      if (block.label !== 'CERTIFICATE') continue;
      const certificate = parseCertificate(block.der, { trustAnchor: true });
      if (isParseError(certificate)) continue;
      anchors.push({ id: `${prefix}:${certificate.sha256Hex}`, der: block.der });
    }
  }
  return anchors;
}

export async function readTsaStoreDir(dir: string): Promise<TsaStore> {
  const store: TsaStore = { global: await anchorsIn(join(dir, '_tsa'), 'tsa'), byVendor: new Map() };
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return store;
    throw error;
  }
  for (const name of entries.sort()) {
    if (name.startsWith('_') || name.startsWith('.')) continue;
    const vendorAnchors = await anchorsIn(join(dir, name, 'tsa'), `tsa/${name}`);
    if (vendorAnchors.length > 0) store.byVendor.set(name, vendorAnchors);
  }
  return store;
}

/** The TSA anchors a vendor's signatures may be timestamped under: the global ones and its own. */
export const tsaAnchorsFor =
  (store: TsaStore) =>
  (vendorId: string): PathAnchor[] => [...store.global, ...(store.byVendor.get(vendorId) ?? [])];
