/**
 * The Authenticode figures: a PE32+ just under the 64 MiB a server reads whole (the fixture image with
 * 63 MiB of overlay; the signature makes it about 63 MiB + 2 KiB), signed by the
 * bench's RSA chain with osslsigncode, verified in-process with the pure default hasher (what Workers and
 * the offline command use) and with node:crypto through the server's sliced hasher, next to
 * `osslsigncode verify` on the same file. Medians of `runs`.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { slicedDigestParts } from '../../src/http/sliced-digest';
import { decodePemBlocks, type PathAnchor, verifyAuthenticode } from '../../src/verify';
import type { BenchChain } from './pki';

export interface AuthenticodeFigures {
  imageMiB: number;
  pureSeconds: number;
  nodeCryptoSeconds: number;
  osslsigncodeSeconds: number;
  verdict: string;
}

const MiB = 1024 * 1024;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

async function timed(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return (performance.now() - start) / 1000;
}

export async function authenticodeBench(options: {
  work: string;
  chain: BenchChain;
  fixture: string;
  runs: number;
  imageMiB?: number;
}): Promise<AuthenticodeFigures> {
  const imageMiB = options.imageMiB ?? 63;
  const unsigned = join(options.work, 'big-unsigned.efi');
  const signed = join(options.work, 'big-signed.efi');
  // The overlay's length is a multiple of 8, so the signed file hashes as the unsigned one does.
  writeFileSync(unsigned, Buffer.concat([readFileSync(options.fixture), randomBytes(imageMiB * MiB - 1536)]));
  execFileSync(
    'osslsigncode',
    [
      'sign',
      '-certs',
      options.chain.signerCert,
      '-ac',
      options.chain.intermediateCert,
      '-key',
      options.chain.signerKey,
      '-h',
      'sha256',
      '-in',
      unsigned,
      '-out',
      signed,
    ],
    { stdio: 'pipe' },
  );
  const rootPem = join(options.work, 'bench-root.pem');
  writeFileSync(rootPem, options.chain.rootPem);
  const image = new Uint8Array(readFileSync(signed));
  const anchors: PathAnchor[] = decodePemBlocks(options.chain.rootPem).map((b) => ({
    id: 'bench-root',
    der: b.der,
  }));
  const request = { image, anchors, time: new Date(), subtle: globalThis.crypto.subtle };
  const nodeParts = slicedDigestParts((algorithm) => {
    const hash = createHash(algorithm.toLowerCase().replace('-', ''));
    return { update: (chunk) => void hash.update(chunk), digest: async () => new Uint8Array(hash.digest()) };
  });

  let verdict = '';
  const pure: number[] = [];
  const node: number[] = [];
  const ossl: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    pure.push(
      await timed(async () => {
        const result = await verifyAuthenticode(request);
        verdict = result.ok ? result.outcome.verdict : result.code;
      }),
    );
    node.push(await timed(() => verifyAuthenticode({ ...request, digestParts: nodeParts })));
    ossl.push(
      await timed(() =>
        execFileSync('osslsigncode', ['verify', '-in', signed, '-CAfile', rootPem, '-ignore-crl'], {
          stdio: 'pipe',
        }),
      ),
    );
  }
  if (verdict !== 'trusted') throw new Error(`the bench PE is not trusted: ${verdict}`);
  return {
    imageMiB,
    pureSeconds: median(pure),
    nodeCryptoSeconds: median(node),
    osslsigncodeSeconds: median(ossl),
    verdict,
  };
}
