/**
 * `npm run bench [-- --json] [-- --quick]`: the performance figures of issue 9, all from one run.
 *
 * Starts the Node server as `npm start` does (temporary database and trust store), loads it with
 * autocannon from this process over 127.0.0.1 at concurrency 32, measures the verifier in-process next to a
 * bare `crypto.subtle.verify`, streams a 1 GiB artifact through /verify next to `sha256sum`, and repeats
 * the digest-only P-256 load against a store of 10,000 anchors in 1,000 vendors, verifies a 64 MiB
 * Authenticode-signed PE next to `osslsigncode verify` (scripts/bench/authenticode.ts), then times the offline
 * `trustgate verify` command as whole processes (scripts/bench-cli.ts). Prints a table (or JSON)
 * with each target's ratio. Everything it makes lives in a temporary directory, removed at the end.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ENVELOPE_MEMO_ENTRIES } from '../src/verify/cms-envelope';
import { decodePemBlocks } from '../src/verify/pem';
import { writeDecoyStore } from './bench/anchors';
import { authenticodeBench } from './bench/authenticode';
import { distinctSignatures } from './bench/distinct';
import { inProcess } from './bench/inprocess';
import { type LoadFigures, load, multipart } from './bench/load';
import { makeChain, signDetached } from './bench/pki';
import { peakRssOf, type RunningServer, startServer } from './bench/server';
import { sha256sumSeconds, streamUpload } from './bench/stream';
import { cliBench, cliTable } from './bench-cli';

const args = new Set(process.argv.slice(2));
const JSON_OUT = args.has('--json');
const QUICK = args.has('--quick');
const SECONDS = QUICK ? 3 : 10;
const WARMUP = QUICK ? 1 : 2;
const CONNECTIONS = 32;
const BIG_BYTES = (QUICK ? 256 : 1024) * 1024 * 1024;
const MiB = 1024 * 1024;
const log = (line: string) => {
  if (!JSON_OUT) console.log(line);
  else console.error(line);
};

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function writeBigFile(path: string, bytes: number) {
  const block = randomBytes(16 * MiB);
  const fd = openSync(path, 'w');
  try {
    for (let written = 0; written < bytes; written += block.length) {
      // Each block differs from the last, so nothing repeats at a short period.
      block.writeUInt32BE(written / block.length, 0);
      writeSync(fd, block, 0, Math.min(block.length, bytes - written));
    }
  } finally {
    closeSync(fd);
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'trustgate-bench-'));
  const servers: RunningServer[] = [];
  const cleanup = async () => {
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    log(
      `trustgate bench: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
    );
    const t0 = performance.now();
    const p256 = makeChain(join(work, 'pki'), 'p256');
    const rsa = makeChain(join(work, 'pki'), 'rsa2048');
    const small = randomBytes(4096);
    writeFileSync(join(work, 'small.bin'), small);
    const smallDigest = createHash('sha256').update(small).digest();
    const sigP256 = signDetached(p256, join(work, 'small.bin'), join(work, 'small.p256.p7s'));
    const sigRsa = signDetached(rsa, join(work, 'small.bin'), join(work, 'small.rsa.p7s'));
    const upload = randomBytes(64 * 1024);
    writeFileSync(join(work, 'upload.bin'), upload);
    const sigUpload = signDetached(p256, join(work, 'upload.bin'), join(work, 'upload.p7s'));
    log(`pki and signatures: ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // Stores: 10 anchors (the bench vendor's two real roots and 8 decoys), and 10,000 in 1,000 vendors.
    const t1 = performance.now();
    const writeBenchVendor = (dir: string) => {
      mkdirSync(join(dir, 'bench'), { recursive: true });
      writeFileSync(join(dir, 'bench', 'roots.pem'), p256.rootPem + rsa.rootPem);
    };
    const smallStore = join(work, 'store-10');
    writeBenchVendor(smallStore);
    const smallCount =
      2 + writeDecoyStore(smallStore, { vendors: 1, perVendor: 0, benchVendor: 'bench', benchDecoys: 8 });
    const largeStore = join(work, 'store-10000');
    writeBenchVendor(largeStore);
    const largeCount =
      2 + writeDecoyStore(largeStore, { vendors: 1000, perVendor: 10, benchVendor: 'bench', benchDecoys: 8 });
    log(
      `trust stores: ${smallCount} and ${largeCount} anchors in ${((performance.now() - t1) / 1000).toFixed(1)} s`,
    );

    const bigPath = join(work, 'big.bin');
    const t2 = performance.now();
    writeBigFile(bigPath, BIG_BYTES);
    const sigBig = signDetached(p256, bigPath, join(work, 'big.p7s'));
    log(
      `${BIG_BYTES / MiB} MiB artifact written and signed in ${((performance.now() - t2) / 1000).toFixed(1)} s`,
    );

    // In-process, before any server competes for the cores.
    const anchors = decodePemBlocks(
      readFileSync(join(smallStore, 'bench', 'roots.pem'), 'utf8') +
        readFileSync(join(smallStore, 'bench', 'decoys.pem'), 'utf8'),
    ).map((b, i) => ({ id: `anchor-${i}`, der: b.der }));
    // Distinct signatures by the same signer over distinct artifacts: twice as many as the envelope memo
    // holds, cycled, so that each is read afresh.
    const distinct = distinctSignatures(sigP256, p256.signerKey, 2 * ENVELOPE_MEMO_ENTRIES);
    const inproc = await inProcess({
      signature: sigP256,
      artifactDigest: smallDigest,
      anchors,
      seconds: QUICK ? 2 : 5,
      distinct,
    });
    log(
      `in-process: verifier ${inproc.verifierPerSecond.toFixed(0)}/s on one signature, ${inproc.verifierDistinctPerSecond.toFixed(0)}/s on ${inproc.distinctSignatures} distinct ones (without path cache ${inproc.verifierUncachedPerSecond.toFixed(0)}/s), bare subtle.verify ${inproc.barePerSecond.toFixed(0)}/s`,
    );

    // A 64 MiB signed PE (issue 17), in-process too, before any server competes for the cores.
    const authenticode = await authenticodeBench({
      work,
      chain: rsa,
      fixture: join(import.meta.dirname, '../test/fixtures/authenticode/unsigned/pe32plus.efi'),
      runs: QUICK ? 1 : 3,
    });
    log(
      `Authenticode ${authenticode.imageMiB} MiB PE (${authenticode.verdict}): ${authenticode.pureSeconds.toFixed(2)} s with the pure hasher (Workers, offline), ${authenticode.nodeCryptoSeconds.toFixed(2)} s with node:crypto (the Node server), osslsigncode verify ${authenticode.osslsigncodeSeconds.toFixed(2)} s`,
    );

    const digestForm = (sig: Uint8Array) =>
      multipart([
        { name: 'vendor', value: 'bench' },
        { name: 'signature', value: sig, filename: 'sig.p7s' },
        { name: 'digest', value: `sha256:${hex(smallDigest)}` },
      ]);
    const run = async (server: RunningServer, what: string, form?: ReturnType<typeof multipart>) => {
      const figures = await load(
        form
          ? {
              url: `${server.base}/verify`,
              method: 'POST',
              headers: { 'content-type': form.contentType },
              body: form.body,
            }
          : { url: `${server.base}/health` },
        { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP },
      );
      log(
        `${what}: ${figures.rps.toFixed(0)} req/s, p50 ${figures.p50Ms} ms, p99 ${figures.p99Ms} ms (${figures.requests} requests, ${figures.non2xx} non-2xx, ${figures.errors} errors)`,
      );
      return figures;
    };

    // A first request of each kind must be trusted, or the figures measure error paths.
    const check = async (server: RunningServer, form: ReturnType<typeof multipart>, what: string) => {
      const res = await fetch(`${server.base}/verify`, {
        method: 'POST',
        headers: { 'content-type': form.contentType },
        body: form.body,
      });
      const body = await res.json();
      if (res.status !== 200 || body.verdict !== 'trusted')
        throw new Error(`${what}: expected trusted, got ${res.status} ${JSON.stringify(body)}`);
    };

    const smallServer = await startServer({
      databaseUrl: `file:${join(work, 'db-10', 'trustgate.db')}`,
      trustStoreDir: smallStore,
    });
    servers.push(smallServer);
    log(
      `server (store of ${smallCount}) healthy in ${(smallServer.startupMs / 1000).toFixed(1)} s, pid ${smallServer.serverPid}`,
    );
    const uploadForm = multipart([
      { name: 'vendor', value: 'bench' },
      { name: 'signature', value: sigUpload, filename: 'sig.p7s' },
      { name: 'artifact', value: upload, filename: 'upload.bin' },
    ]);
    await check(smallServer, digestForm(sigP256), 'P-256 digest');
    await check(smallServer, digestForm(sigRsa), 'RSA digest');
    await check(smallServer, uploadForm, '64 KiB upload');

    const health = await run(smallServer, 'GET /health');
    const digestP256 = await run(smallServer, '/verify digest P-256 (store of 10)', digestForm(sigP256));
    const digestRsa = await run(smallServer, '/verify digest RSA-2048', digestForm(sigRsa));
    const upload64k = await run(smallServer, '/verify 64 KiB upload P-256', uploadForm);

    // The large artifact: file in the page cache for both (sha256sum reads it once to warm, then is timed).
    sha256sumSeconds(bigPath);
    const sum = sha256sumSeconds(bigPath);
    log(`sha256sum: ${sum.mbPerSecond.toFixed(0)} MB/s (${sum.seconds.toFixed(2)} s)`);
    const stream = await streamUpload({
      base: smallServer.base,
      serverPid: smallServer.serverPid,
      artifactPath: bigPath,
      fieldsBefore: [
        { name: 'vendor', value: 'bench' },
        { name: 'signature', value: sigBig, filename: 'sig.p7s' },
      ],
    });
    log(
      `stream ${BIG_BYTES / MiB} MiB: ${stream.mbPerSecond.toFixed(0)} MB/s (${stream.seconds.toFixed(2)} s), status ${stream.status} ${stream.verdict ?? stream.body}, server RSS ${(stream.rssBeforeBytes / MiB).toFixed(0)} -> peak ${(stream.rssPeakBytes / MiB).toFixed(0)} MiB (+${(stream.rssGrowthBytes / MiB).toFixed(1)} MiB)`,
    );
    const serverPeak = peakRssOf(smallServer.serverPid) ?? 0;
    await smallServer.stop();

    const largeServer = await startServer({
      databaseUrl: `file:${join(work, 'db-10000', 'trustgate.db')}`,
      trustStoreDir: largeStore,
    });
    servers.push(largeServer);
    log(`server (store of ${largeCount}) healthy in ${(largeServer.startupMs / 1000).toFixed(1)} s`);
    await check(largeServer, digestForm(sigP256), 'P-256 digest, large store');
    const digestLarge = await run(
      largeServer,
      `/verify digest P-256 (store of ${largeCount})`,
      digestForm(sigP256),
    );
    await largeServer.stop();

    // The command as a pipeline runs it (issue 16): whole processes, offline (npm run bench:cli adds --server).
    const cli = await cliBench({ runs: QUICK ? 5 : 15, server: false, log });

    const report = {
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
      settings: { connections: CONNECTIONS, seconds: SECONDS, warmupSeconds: WARMUP, bigBytes: BIG_BYTES },
      http: { health, digestP256, digestRsa, upload64k, digestP256LargeStore: digestLarge },
      inProcess: inproc,
      authenticode,
      cli,
      stream: { ...stream, sha256sumMbPerSecond: sum.mbPerSecond, serverPeakRssBytes: serverPeak },
      stores: {
        small: { anchors: smallCount, startupMs: smallServer.startupMs },
        large: { anchors: largeCount, vendors: 1000, startupMs: largeServer.startupMs },
      },
      targets: [
        target(
          'digest P-256 rps / health rps',
          digestP256.rps / health.rps,
          '>= 0.40',
          digestP256.rps / health.rps >= 0.4,
        ),
        target('digest P-256 p99 (ms)', digestP256.p99Ms, '< 25', digestP256.p99Ms < 25),
        target('in-process verifier / bare verify', inproc.ratio, '>= 0.50', inproc.ratio >= 0.5),
        target(
          'in-process, distinct signatures / bare',
          inproc.ratioDistinct,
          '>= 0.50',
          inproc.ratioDistinct >= 0.5,
        ),
        target(
          'stream MB/s / sha256sum MB/s',
          stream.mbPerSecond / sum.mbPerSecond,
          '>= 0.50',
          stream.status === 200 && stream.mbPerSecond / sum.mbPerSecond >= 0.5,
        ),
        target(
          'stream server RSS growth (MiB)',
          stream.rssGrowthBytes / MiB,
          '< 64',
          stream.rssGrowthBytes < 64 * MiB,
        ),
        target(
          'p99 store 10,000 / store 10',
          digestLarge.p99Ms / digestP256.p99Ms,
          '< 1.20',
          digestLarge.p99Ms / digestP256.p99Ms < 1.2,
        ),
      ],
    };
    if (JSON_OUT) console.log(JSON.stringify(report, null, 2));
    else {
      printTable(report.http, report.targets);
      console.log(`\n${cliTable(cli)}`);
    }
  } finally {
    await cleanup();
  }
}

function target(name: string, value: number, goal: string, met: boolean) {
  return { name, value: Number(value.toFixed(3)), goal, met };
}

function printTable(http: Record<string, LoadFigures>, targets: ReturnType<typeof target>[]) {
  console.log('');
  console.log(
    `${'load (c=32)'.padEnd(28)}${'req/s'.padStart(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'non-2xx'.padStart(9)}`,
  );
  for (const [name, f] of Object.entries(http)) {
    console.log(
      `${name.padEnd(28)}${f.rps.toFixed(0).padStart(10)}${String(f.p50Ms).padStart(9)}${String(f.p99Ms).padStart(9)}${String(f.non2xx).padStart(9)}`,
    );
  }
  console.log('');
  console.log(`${'target'.padEnd(40)}${'value'.padStart(10)}${'goal'.padStart(10)}  met`);
  for (const t of targets) {
    console.log(
      `${t.name.padEnd(40)}${String(t.value).padStart(10)}${t.goal.padStart(10)}  ${t.met ? 'yes' : 'NO'}`,
    );
  }
}

await main();
