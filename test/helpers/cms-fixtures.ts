import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePemBlocks } from '../../src/verify';

export const CMS_FIXTURES = join(import.meta.dirname, '../fixtures/cms');

export interface CmsCase {
  name: string;
  vendor: string;
  artifact: string;
  signature: string;
  signatureFormat: 'der' | 'pem';
  detached: boolean;
  time: string;
  expectedVerdict: 'trusted' | 'rejected' | 'unknown_root';
  expectedReasons: string[];
  opensslVerify: 'ok' | 'fail' | 'n/a';
  artifactSha256: string;
  description: string;
}

export const cmsCases: CmsCase[] = JSON.parse(readFileSync(join(CMS_FIXTURES, 'manifest.json'), 'utf8'));

export const cmsCase = (name: string): CmsCase => {
  const found = cmsCases.find((c) => c.name === name);
  if (!found) throw new Error(`no CMS fixture ${name}`);
  return found;
};

export const readFixture = (file: string) => new Uint8Array(readFileSync(join(CMS_FIXTURES, file)));

/** The roots of one vendor in the fixture trust store, as DER. */
export function fixtureRoots(vendor: string): Uint8Array[] {
  const dir = join(CMS_FIXTURES, 'trust-store', vendor);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .flatMap((f) => decodePemBlocks(readFileSync(join(dir, f), 'utf8')).map((b) => b.der));
}
