import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePemBlocks, type PathAnchor } from '../../src/verify';

export const JAR_FIXTURES = join(import.meta.dirname, '../fixtures/jar');

export interface JarCase {
  name: string;
  file: string;
  vendor: string;
  time: string;
  expectedVerdict: 'trusted' | 'rejected' | 'unknown_root' | null;
  expectedReasons: string[];
  expectedError: string | null;
  jarsigner: { exitCode: number; strict: 'accepts' | 'refuses'; output: string };
  description: string;
}

export const jarCases: JarCase[] = JSON.parse(readFileSync(join(JAR_FIXTURES, 'manifest.json'), 'utf8'));

export const jarCase = (name: string): JarCase => {
  const found = jarCases.find((c) => c.name === name);
  if (!found) throw new Error(`no JAR fixture ${name}`);
  return found;
};

export const readJarFixture = (file: string) => new Uint8Array(readFileSync(join(JAR_FIXTURES, file)));

/** The certificates under one folder of a trust store, as path anchors. */
export function anchorsIn(dir: string): PathAnchor[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.pem'))
    .flatMap((f) => decodePemBlocks(readFileSync(join(dir, f), 'utf8')).map((b) => b.der))
    .map((der, i) => ({ id: `${dir.split('/').pop()}-${i}`, der }));
}

export const jarVendorAnchors = (vendor: string) => anchorsIn(join(JAR_FIXTURES, 'trust-store', vendor));
export const jarTsaAnchors = () => anchorsIn(join(JAR_FIXTURES, 'trust-store', '_tsa'));
