/**
 * `npm run trust:export -- DIR`: writes the database's trust store (DATABASE_URL, as `npm start` uses it)
 * to DIR in the `trust-store/` layout, so that a team can keep its store in version control and review
 * changes. In each exported vendor folder the top-level certificate files (*.pem, *.crt, *.cer) are
 * replaced by the export; other files (tsa/, notes) are left alone, and vendor.json keeps its `feeds`.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTrustRepository } from '../src/db';
import { openLibsqlDatabase } from '../src/db/libsql';
import { configFromEnv } from '../src/platform/node';
import { parseVendorFile, type VendorFile } from '../src/trust';
import { exportTrustStore } from '../src/trust/export';

const CERTIFICATE_FILE = /\.(pem|crt|cer)$/i;

export async function exportToDirectory(databaseUrl: string, dir: string): Promise<string[]> {
  const migrations = resolve(dirname(fileURLToPath(import.meta.url)), '../migrations');
  const { db, close } = await openLibsqlDatabase(databaseUrl, migrations);
  try {
    const trust = createTrustRepository(db);
    const store = [];
    const previous = new Map<string, VendorFile>();
    for (const vendor of await trust.listVendors()) {
      store.push({ vendor, anchors: await trust.listAnchors(vendor.id) });
      const text = await readFile(join(dir, vendor.id, 'vendor.json'), 'utf8').catch(() => null);
      if (text !== null) previous.set(vendor.id, parseVendorFile(vendor.id, text));
    }
    const files = exportTrustStore(store, previous);
    for (const { vendor } of store) {
      const folder = join(dir, vendor.id);
      await mkdir(folder, { recursive: true });
      for (const name of await readdir(folder)) {
        if (CERTIFICATE_FILE.test(name)) await rm(join(folder, name));
      }
      // The pinned signers' folder is written afresh too.
      const signers = join(folder, 'signers');
      for (const name of await readdir(signers).catch(() => [] as string[])) {
        if (CERTIFICATE_FILE.test(name)) await rm(join(signers, name));
      }
    }
    for (const file of files) {
      await mkdir(dirname(join(dir, file.path)), { recursive: true });
      await writeFile(join(dir, file.path), file.content);
    }
    return files.map((f) => f.path);
  } finally {
    close();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: npm run trust:export -- DIR');
    process.exit(2);
  }
  const written = await exportToDirectory(configFromEnv().databaseUrl, resolve(dir));
  console.log(`wrote ${written.length} files to ${resolve(dir)}`);
}
