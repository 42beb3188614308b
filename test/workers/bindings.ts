/**
 * Runs in Node (imported by vitest.config.ts): what the workers tests need from the file system, passed to
 * workerd as JSON bindings, since tests inside workerd have no file system.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTrustStoreBundle, buildTsaBundle } from '../../scripts/bundle-trust-store';
import type { BundledTrustStore, BundledTsaStore } from '../../src/platform/bundled-seed';

const ROOT = join(import.meta.dirname, '../..');
const CMS = join(ROOT, 'test/fixtures/cms');
const FEEDS = join(ROOT, 'test/fixtures/feeds');
const JAR = join(ROOT, 'test/fixtures/jar');
const AUTHENTICODE = join(ROOT, 'test/fixtures/authenticode');
/** The PE files the workers test sends (test/workers/authenticode.test.ts says what each must give). */
const AUTHENTICODE_FILES = [
  'signed/pe32plus-sha256.efi',
  'signed/pe32-sha256.exe',
  'signed/pe32plus-nested-sha256-sha384.efi',
  'signed/pe32plus-expired-signer-rfc3161.efi',
  'tampered/pe32plus-image-byte-flipped.efi',
  'signed/pe32plus-unknown-root.efi',
];

export interface WorkerTestCase {
  name: string;
  vendor: string;
  expectedVerdict: 'trusted' | 'rejected' | 'unknown_root';
  expectedReasons: string[];
  artifactSha256: string;
  /** base64 */
  artifact: string;
  /** base64 */
  signature: string;
}

export interface WorkerTestFixtures {
  cases: WorkerTestCase[];
  /** PEM text of test/fixtures/cms/extra-roots/*.pem, by file name. */
  extraRoots: Record<string, string>;
  /** PEM text of the fixture trust store's roots: test/fixtures/cms/trust-store/<vendor>/<file>. */
  fixtureRoots: Record<string, Record<string, string>>;
  /** Feed documents under test/fixtures/feeds, by file name. */
  feeds: Record<string, string>;
  /** wrangler.toml as committed, to check it holds no secrets. */
  wranglerToml: string;
  /** Signed JARs (test/fixtures/jar), base64, with their vendor roots' PEM. */
  jars: Array<{
    name: string;
    vendor: string;
    expectedVerdict: string | null;
    expectedError: string | null;
    jar: string;
  }>;
  jarRoots: Record<string, string>;
  /** test/fixtures/timestamp: its trust store and TSA roots bundled as the build bundles trust-store/. */
  timestamp: {
    bundle: BundledTrustStore;
    tsa: BundledTsaStore;
    cases: Array<{
      name: string;
      vendor: string;
      expectedVerdict: string;
      expectedReasons: string[];
      artifact: string;
      signature: string;
    }>;
  };
  /** test/fixtures/authenticode: signed PE files (base64) and their trust store bundled as the build would. */
  authenticode: {
    bundle: BundledTrustStore;
    tsa: BundledTsaStore;
    files: Record<string, string>;
  };
}

/** The bootstrap admin's secret in the workers tests (a test binding, as `wrangler secret put` would set). */
export const TEST_ADMIN_TOKEN = 'workers-test-admin-token-0123456789';

const b64 = (file: string) => readFileSync(join(CMS, file)).toString('base64');
const texts = (dir: string, suffix: string) =>
  Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith(suffix))
      .map((f) => [f, readFileSync(join(dir, f), 'utf8')]),
  );

export async function workerTestFixtures(): Promise<WorkerTestFixtures> {
  const tsDir = join(ROOT, 'test/fixtures/timestamp');
  const tsCases: Array<{
    name: string;
    vendor: string;
    expectedVerdict: string;
    expectedReasons?: string[];
    artifact: string;
    signature: string;
  }> = JSON.parse(readFileSync(join(tsDir, 'manifest.json'), 'utf8'));
  const manifest: Array<WorkerTestCase & { artifact: string; signature: string }> = JSON.parse(
    readFileSync(join(CMS, 'manifest.json'), 'utf8'),
  );
  return {
    cases: manifest.map((c) => ({
      name: c.name,
      vendor: c.vendor,
      expectedVerdict: c.expectedVerdict,
      expectedReasons: c.expectedReasons,
      artifactSha256: c.artifactSha256,
      artifact: b64(c.artifact),
      signature: b64(c.signature),
    })),
    extraRoots: texts(join(CMS, 'extra-roots'), '.pem'),
    fixtureRoots: Object.fromEntries(
      readdirSync(join(CMS, 'trust-store')).map((v) => [v, texts(join(CMS, 'trust-store', v), '.pem')]),
    ),
    feeds: { ...texts(FEEDS, '.xml'), ...texts(FEEDS, '.json'), ...texts(FEEDS, '.pem') },
    wranglerToml: readFileSync(join(ROOT, 'wrangler.toml'), 'utf8'),
    jars: (
      JSON.parse(readFileSync(join(JAR, 'manifest.json'), 'utf8')) as Array<{
        name: string;
        file: string;
        vendor: string;
        expectedVerdict: string | null;
        expectedError: string | null;
      }>
    ).map((c) => ({
      name: c.name,
      vendor: c.vendor,
      expectedVerdict: c.expectedVerdict,
      expectedError: c.expectedError,
      jar: readFileSync(join(JAR, c.file)).toString('base64'),
    })),
    jarRoots: texts(join(JAR, 'trust-store/acme'), '.pem'),
    timestamp: {
      bundle: await buildTrustStoreBundle(join(tsDir, 'trust-store')),
      tsa: await buildTsaBundle(join(tsDir, 'trust-store')),
      cases: tsCases.map((c) => ({
        name: c.name,
        vendor: c.vendor,
        expectedVerdict: c.expectedVerdict,
        expectedReasons: c.expectedReasons ?? [],
        artifact: readFileSync(join(tsDir, c.artifact)).toString('base64'),
        signature: readFileSync(join(tsDir, c.signature)).toString('base64'),
      })),
    },
    authenticode: {
      bundle: await buildTrustStoreBundle(join(AUTHENTICODE, 'trust-store')),
      tsa: await buildTsaBundle(join(AUTHENTICODE, 'trust-store')),
      files: Object.fromEntries(
        AUTHENTICODE_FILES.map((file) => [file, readFileSync(join(AUTHENTICODE, file)).toString('base64')]),
      ),
    },
  };
}
