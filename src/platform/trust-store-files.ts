import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeedVendor } from '../trust';
import { decodePemBlocks } from '../verify';
import { readStoreFile } from './store-file';

const PEM_FILE = /\.(pem|crt|cer)$/i;

/**
 * Reads `trust-store/<vendor>/{*.pem,vendor.json,signers/*.pem}`; folders starting with `_` are not
 * vendors. The PEM files of `signers/` are the vendor's pinned signer certificates (file `signers/<name>`).
 */
export async function readTrustStoreDir(dir: string): Promise<SeedVendor[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const vendors: SeedVendor[] = [];
  for (const name of entries.sort()) {
    if (name.startsWith('_') || name.startsWith('.')) continue;
    const folder = join(dir, name);
    if (!(await stat(folder)).isDirectory()) continue;
    const files = (await readdir(folder)).sort();
    const certificates: SeedVendor['certificates'] = [];
    for (const file of files.filter((f) => PEM_FILE.test(f))) {
      const text = await readStoreFile(join(folder, file));
      for (const block of decodePemBlocks(text)) {
        if (block.label === 'CERTIFICATE') certificates.push({ file, der: block.der });
      }
    }
    const vendorJson = files.includes('vendor.json')
      ? await readStoreFile(join(folder, 'vendor.json'))
      : null;
    const signers = await readSignersDir(join(folder, 'signers'));
    vendors.push({ id: name, vendorJson, certificates, ...(signers.length > 0 ? { signers } : {}) });
  }
  return vendors;
}

/** The certificates of the PEM files in a vendor's `signers/` folder (none when it has no such folder). */
async function readSignersDir(dir: string): Promise<NonNullable<SeedVendor['signers']>> {
  let files: string[];
  try {
    if (!(await stat(dir)).isDirectory()) return [];
    files = (await readdir(dir)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const signers: NonNullable<SeedVendor['signers']> = [];
  for (const file of files.filter((f) => PEM_FILE.test(f))) {
    const text = await readStoreFile(join(dir, file));
    for (const block of decodePemBlocks(text)) {
      if (block.label === 'CERTIFICATE') signers.push({ file: `signers/${file}`, der: block.der });
    }
  }
  return signers;
}
