/**
 * The osslsigncode-made Authenticode fixtures (test/fixtures/authenticode, made by
 * scripts/fixtures/make-authenticode-fixtures.sh): their files, the expectations recorded with them, and
 * their trust store's roots as path anchors.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodePemBlocks, type PathAnchor } from '../../src/verify';

export const AUTHENTICODE_FIXTURES = join(import.meta.dirname, '../fixtures/authenticode');

export interface AuthenticodeFixture {
  name: string;
  file: string;
  sha256: string;
  /** null for the CAB and MSI fixtures (not PE files). */
  layout: unknown;
  osslsigncode: { command: string[]; exitCode: number; calculatedMessageDigest?: string[] };
}

export const authenticodeExpected: {
  verifyTime: string;
  verifyEpoch: number;
  fixtures: AuthenticodeFixture[];
} = JSON.parse(readFileSync(join(AUTHENTICODE_FIXTURES, 'expected.json'), 'utf8'));

export function authenticodeFixture(name: string): AuthenticodeFixture {
  const found = authenticodeExpected.fixtures.find((f) => f.name === name);
  if (!found) throw new Error(`no Authenticode fixture ${name}`);
  return found;
}

/** A fixture file's bytes, by its path inside test/fixtures/authenticode. */
export const readAuthenticodeFixture = (file: string): Uint8Array<ArrayBuffer> =>
  new Uint8Array(readFileSync(join(AUTHENTICODE_FIXTURES, file)));

/** The certificates of a trust-store folder of the fixtures (`acme`, `_tsa`) as path anchors. */
export const authenticodeStoreAnchors = (folder: string): PathAnchor[] =>
  readdirSync(join(AUTHENTICODE_FIXTURES, 'trust-store', folder)).flatMap((file) =>
    decodePemBlocks(readFileSync(join(AUTHENTICODE_FIXTURES, 'trust-store', folder, file), 'utf8')).map(
      (block, i) => ({ id: `${folder}/${file}#${i}`, der: block.der }),
    ),
  );
