import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { SeedVendor } from '../trust';
import { decodePemBlocks } from '../verify';
import { readStoreFile } from './store-file';

const PEM_FILE = /\.(pem|crt|cer)$/i;

/** Reads `trust-store/<vendor>/{*.pem,vendor.json}`; folders starting with `_` are not vendors. */
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
    vendors.push({ id: name, vendorJson, certificates });
  }
  return vendors;
}
