/**
 * `npx tsx scripts/jar-bomb-figures.ts`: what one small signed JAR costs `verifyJar` (issue 13: "a 266 KB
 * JAR is inflated and hashed to 238 MiB even when its signer chains to no root").
 *
 * Makes a P-256 chain with the openssl CLI (scripts/bench/pki.ts) and a JAR it signs the jarsigner way:
 * 240 entries of 1 MiB - 1 zero bytes each (just under the ratio floor, so the 100:1 ratio limit does not
 * apply), every one listed in the manifest with its SHA-256 and covered by the .SF's whole-manifest digest.
 * Verifies it twice in-process: against a root the signer does not chain to (unknown_root), and against
 * its own root (trusted). Prints the archive size, the time, and the bytes handed to `subtle.digest`
 * (every inflated entry is digested once, so this is the work the archive caused).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { decodePemBlocks } from '../src/verify';
import { verifyJar } from '../src/verify/jar';
import { makeChain, signDetached } from './bench/pki';

const ENTRIES = 240;
const ENTRY_BYTES = 1024 * 1024 - 1;
const MiB = 1024 * 1024;

const dir = mkdtempSync(join(tmpdir(), 'trustgate-jar-bomb-'));
try {
  const chain = makeChain(dir, 'p256');
  const zeros = new Uint8Array(ENTRY_BYTES);
  const digest = createHash('sha256').update(zeros).digest('base64');
  let manifest = 'Manifest-Version: 1.0\r\nCreated-By: jar-bomb-figures\r\n\r\n';
  for (let i = 0; i < ENTRIES; i++) manifest += `Name: bomb/${i}.bin\r\nSHA-256-Digest: ${digest}\r\n\r\n`;
  const manifestBytes = new TextEncoder().encode(manifest);
  const sf = `Signature-Version: 1.0\r\nSHA-256-Digest-Manifest: ${createHash('sha256').update(manifestBytes).digest('base64')}\r\nCreated-By: jar-bomb-figures\r\n\r\n`;
  writeFileSync(join(dir, 'SIGNER.SF'), sf);
  const block = signDetached(chain, join(dir, 'SIGNER.SF'), join(dir, 'SIGNER.EC'));
  const files: Record<string, Uint8Array> = {
    'META-INF/MANIFEST.MF': manifestBytes,
    'META-INF/SIGNER.SF': new TextEncoder().encode(sf),
    'META-INF/SIGNER.EC': block,
  };
  for (let i = 0; i < ENTRIES; i++) files[`bomb/${i}.bin`] = zeros;
  const archive = zipSync(files, { level: 9 });

  const otherRoot = decodePemBlocks(
    readFileSync(
      join(import.meta.dirname, '../test/fixtures/jar/trust-store/acme/acme-jar-root.pem'),
      'utf8',
    ),
  ).map((b, i) => ({ id: `acme-${i}`, der: b.der }));
  const ownRoot = decodePemBlocks(chain.rootPem).map((b, i) => ({ id: `bench-${i}`, der: b.der }));

  console.log(
    `archive: ${archive.length} bytes (${(archive.length / 1024).toFixed(0)} KiB), ${ENTRIES} entries`,
  );
  for (const [label, anchors] of [
    ['signer chains to no root', otherRoot],
    ['signer chains to the vendor root', ownRoot],
  ] as const) {
    let digested = 0;
    const subtle = new Proxy(globalThis.crypto.subtle, {
      get(target, key) {
        if (key === 'digest') {
          return (algorithm: AlgorithmIdentifier, data: BufferSource) => {
            digested += data.byteLength;
            return target.digest(algorithm, data);
          };
        }
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const started = performance.now();
    const result = await verifyJar({ archive, anchors, tsaAnchors: [], time: new Date(), subtle });
    const ms = performance.now() - started;
    const verdict = result.ok ? result.outcome.verdict : `${result.code}`;
    console.log(
      `${label}: ${verdict} in ${ms.toFixed(0)} ms, ${digested} bytes digested (${(digested / MiB).toFixed(1)} MiB)` +
        (result.ok ? ` (${result.outcome.reasons.map((r) => r.code).join(', ') || 'no reasons'})` : ''),
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
