/**
 * `npm run stress [-- --only a,b,c1] [-- --settle 10]`: the hostile loads of issue 13 against the Node
 * server started as `npm start` starts it (own process group, temporary database, the CMS fixtures' trust
 * store, default limits), one after the other over 127.0.0.1, while watching from outside: the event
 * loop's worst delay (the server's STATS_LOG_SECONDS=1 lines), GET /health every 50 ms and the server's
 * RSS. After each load it waits (`--settle`, 10 s) for memory to come back. Prints each load's figures
 * as it goes and a closing table of target / value / met. Not part of `npm test`: it takes minutes and
 * its figures depend on the machine. Payloads are generated from committed fixtures, in a temporary
 * directory removed at the end.
 *
 * Loads: (a) 24 uploads that send 64 MiB of artifact before the signature and stall; (b) 48 concurrent
 * 65 MiB JSON bodies; (c1) a 421 KB signature with 60,000 repeated unsigned attributes, (c2) the same for
 * an unknown vendor, (c3) a bag certificate with 100,000 extensions, (c4) BER with a 1 MB OID; (d) 50
 * anonymous requests signed by 50 different unknown roots (then the escalation cases and their audit rows
 * are counted through the admin API); (e1) 20 requests by a signer with a ~2,030-bit RSA exponent; (e2) 4
 * signed JARs each inflating to 238 MiB, whose signer chains to no root of the vendor.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, type RunningServer, startServer } from './bench/server';
import { type Answer, atOnce, getJson, multipart, post, stalledUpload, tally } from './stress/loads';
import { percentile, startMonitor, within } from './stress/monitor';
import {
  bagCertificateWithManyExtensions,
  berWithHugeOid,
  fixtureArtifactSha256,
  fixtureSignature,
  jarZipBomb,
  repeatedUnsignedAttributes,
} from './stress/payloads';
import { hugeExponentSignature, unknownRootSignatures } from './stress/pki';

const MiB = 1024 * 1024;
const ADMIN_TOKEN = 'stress-admin-token-0123456789abcdef';
const TARGET_LOOP_MS = 1000;
const TARGET_HEALTH_MS = 100;
const TARGET_RSS_BYTES = 64 * MiB;

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(`--${name}`);
  return at === -1 ? undefined : args[at + 1];
};
const ONLY = option('only')?.split(',') ?? null;
const SETTLE_MS = Number(option('settle') ?? 10) * 1000;
const SERVER_LOG = option('server-log');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;
const msText = (ms: number) =>
  Number.isNaN(ms) ? 'n/a' : ms < 10 ? `${ms.toFixed(1)} ms` : `${ms.toFixed(0)} ms`;

interface LoadSpec {
  id: string;
  title: string;
  run: (base: string) => Promise<Answer[]>;
}

interface LoadFigures {
  id: string;
  title: string;
  seconds: number;
  outcomes: Map<string, number>;
  loopMaxMs: number;
  healthP50: number;
  healthP99: number;
  healthMax: number;
  healthProbes: number;
  healthFailures: number;
  rssBefore: number;
  rssPeak: number;
  rssAfter: number;
}

/** '422 SIGNATURE_UNREADABLE', '200 unknown_root', '503 SERVER_BUSY', 'cut', ... */
function label(answer: Answer): string {
  if (!/^\d{3}$/.test(answer.outcome)) return answer.outcome;
  const what = /"(?:code|verdict)":"([A-Za-z_]+)"/.exec(answer.body)?.[1];
  // An answer over 64 KiB is worth knowing of: a problem that echoes what it was sent, say.
  const size = (answer.bytes ?? 0) > 64 * 1024 ? ` (${answer.bytes} B answer)` : '';
  return `${answer.outcome}${what ? ` ${what}` : ''}${size}`;
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), 'trustgate-stress-'));
  let server: RunningServer | null = null;
  const cleanup = async () => {
    await server?.stop();
    if (SERVER_LOG && server) writeFileSync(SERVER_LOG, server.output());
    rmSync(work, { recursive: true, force: true });
  };
  process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
  try {
    console.log(
      `trustgate stress: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}`,
    );
    const t0 = performance.now();
    const artifactPath = join(work, 'artifact.bin');
    writeFileSync(artifactPath, 'a package the strangers signed\n');
    const digest = `sha256:${fixtureArtifactSha256()}`;
    const signed = (vendor: string, signature: Uint8Array) =>
      multipart([
        { name: 'vendor', value: vendor },
        { name: 'signature', value: signature, filename: 'sig.p7s' },
        { name: 'digest', value: digest },
      ]);
    const strangers = unknownRootSignatures(work, artifactPath, 50);
    const hugeExponent = hugeExponentSignature(work, artifactPath);
    const hostile = {
      attributes: repeatedUnsignedAttributes(),
      extensions: bagCertificateWithManyExtensions(),
      ber: berWithHugeOid(),
      bomb: jarZipBomb(),
    };
    const bigJson = (() => {
      const head = `{"vendor":"acme","signature":"${Buffer.from(fixtureSignature()).toString('base64')}","artifact":"`;
      const tail = '"}';
      const base64Length = Math.floor((65 * MiB - head.length - tail.length) / 4) * 4;
      const bytes = Buffer.alloc(head.length + base64Length + tail.length, 0x41); // 'A': base64 of zeros
      bytes.write(head, 0);
      bytes.write(tail, head.length + base64Length);
      return { type: 'application/json', bytes: new Uint8Array(bytes) };
    })();
    console.log(
      `payloads in ${((performance.now() - t0) / 1000).toFixed(1)} s: attributes ${hostile.attributes.byteLength} B, ` +
        `extensions ${hostile.extensions.byteLength} B, BER OID ${hostile.ber.byteLength} B, JAR ${hostile.bomb.byteLength} B, ` +
        `JSON ${bigJson.bytes.byteLength} B, ${strangers.length} unknown-root signatures, huge-exponent signature ${hugeExponent.byteLength} B`,
    );

    const withArtifact = (signature: Uint8Array) =>
      multipart([
        { name: 'vendor', value: 'acme' },
        { name: 'signature', value: signature, filename: 'sig.p7s' },
        { name: 'artifact', value: 'a package the strangers signed\n', filename: 'artifact.bin' },
      ]);
    const allLoads: LoadSpec[] = [
      {
        id: 'a',
        title: '24 uploads send 64 MiB of artifact before the signature, then stall',
        run: (base) => atOnce(24, () => stalledUpload(base, 64 * MiB, 180_000)),
      },
      {
        id: 'b',
        title: '48 concurrent 65 MiB JSON bodies',
        run: (base) => atOnce(48, () => post(base, '/verify', bigJson)),
      },
      {
        id: 'c1',
        title: '60,000 repeated unsigned attributes (421 KB signature), vendor acme',
        run: (base) => atOnce(1, () => post(base, '/verify', signed('acme', hostile.attributes))),
      },
      {
        id: 'c2',
        title: '60,000 repeated unsigned attributes, unknown vendor',
        run: (base) => atOnce(1, () => post(base, '/verify', signed('no-such-vendor', hostile.attributes))),
      },
      {
        id: 'c3',
        title: 'bag certificate with 100,000 extensions (1 MB signature)',
        run: (base) => atOnce(1, () => post(base, '/verify', signed('acme', hostile.extensions))),
      },
      {
        id: 'c4',
        title: 'BER signature whose content type is a 1 MB OID',
        run: (base) => atOnce(1, () => post(base, '/verify', signed('acme', hostile.ber))),
      },
      {
        id: 'd',
        title: '50 anonymous requests signed by 50 different unknown roots',
        run: (base) => atOnce(50, (i) => post(base, '/verify', withArtifact(strangers[i] as Uint8Array))),
      },
      {
        id: 'e1',
        title: '20 concurrent requests by a signer with a ~2,030-bit RSA public exponent',
        run: (base) => atOnce(20, () => post(base, '/verify', withArtifact(hugeExponent))),
      },
      {
        id: 'e2',
        title: '4 concurrent signed JARs (248 KB) inflating to 238 MiB, signer chaining to no root of acme',
        run: (base) =>
          atOnce(4, () =>
            post(
              base,
              '/verify',
              multipart([
                { name: 'vendor', value: 'acme' },
                { name: 'artifact', value: hostile.bomb, filename: 'bomb.jar' },
              ]),
            ),
          ),
      },
    ];
    const loads = allLoads.filter((l) => !ONLY || ONLY.includes(l.id));

    server = await startServer({
      databaseUrl: `file:${join(work, 'db', 'trustgate.db')}`,
      trustStoreDir: join(ROOT, 'test/fixtures/cms/trust-store'),
      extra: {
        ADMIN_TOKEN,
        STATS_LOG_SECONDS: '1',
        CRL_FETCH: 'false',
        FEEDS_TICK_SECONDS: '0',
      },
    });
    const running = server;
    console.log(
      `server: pid ${running.serverPid}, ready in ${(running.startupMs / 1000).toFixed(1)} s, default limits`,
    );
    const monitor = startMonitor({
      base: running.base,
      serverPid: running.serverPid,
      output: running.output,
    });
    await sleep(3000);
    const rssNow = () => monitor.rss[monitor.rss.length - 1]?.value ?? 0;
    const rssStart = rssNow();
    console.log(`RSS at start: ${mib(rssStart)}`);

    const figures: LoadFigures[] = [];
    for (const load of loads) {
      console.log(`\n== (${load.id}) ${load.title} ==`);
      const rssBefore = rssNow();
      const start = performance.now();
      const progress = setInterval(() => {
        const now = performance.now();
        const loop = within(monitor.loopMaxMs, now - 5000, now);
        const waiting = monitor.waitingSince();
        const health =
          waiting !== null && now - waiting > 1000
            ? `waiting ${((now - waiting) / 1000).toFixed(0)} s for an answer`
            : `last ${msText(monitor.health[monitor.health.length - 1]?.value ?? Number.NaN)}`;
        console.log(
          `   during ${((now - start) / 1000).toFixed(0)} s: RSS ${mib(rssNow())}, event loop max ` +
            `${loop.length ? msText(Math.max(...loop)) : 'n/a (no stats line: blocked?)'} (last 5 s), /health ${health}`,
        );
      }, 5000);
      const answers = await load.run(running.base);
      // Until the server answers again: a load whose requests were given up on still owns its stall.
      await monitor.responsive();
      clearInterval(progress);
      const end = performance.now();
      await sleep(1500); // the stats line covering the load's last second
      monitor.readStats();
      const loop = within(monitor.loopMaxMs, start, end + 1500);
      const health = within(monitor.health, start, end);
      const healthFailures = within(monitor.healthFailures, start, end).length;
      const rssPeak = Math.max(rssBefore, ...within(monitor.rss, start, end + 1500));
      const outcomes = tally(answers.map(label));
      console.log(
        `   answered in ${((end - start) / 1000).toFixed(1)} s: ${[...outcomes].map(([o, n]) => `${o} x${n}`).join(', ')}`,
      );
      console.log(
        `   event loop max ${msText(Math.max(0, ...loop))} | /health p50 ${msText(percentile(health, 50))}, ` +
          `p99 ${msText(percentile(health, 99))}, max ${msText(Math.max(0, ...health))} ` +
          `(${health.length} answered, ${healthFailures} failed) | RSS before ${mib(rssBefore)}, peak ${mib(rssPeak)}`,
      );
      await sleep(SETTLE_MS);
      const settled = within(monitor.rss, performance.now() - 1000, performance.now());
      const rssAfter = settled.length ? settled.reduce((a, b) => a + b, 0) / settled.length : rssNow();
      console.log(
        `   after ${SETTLE_MS / 1000} s: RSS ${mib(rssAfter)} (${rssAfter >= rssBefore ? '+' : ''}${mib(rssAfter - rssBefore)} on before)`,
      );
      figures.push({
        id: load.id,
        title: load.title,
        seconds: (end - start) / 1000,
        outcomes,
        loopMaxMs: Math.max(0, ...loop),
        healthP50: percentile(health, 50),
        healthP99: percentile(health, 99),
        healthMax: Math.max(0, ...health),
        healthProbes: health.length,
        healthFailures,
        rssBefore,
        rssPeak,
        rssAfter,
      });
      if (load.id === 'd') await printEscalations(running.base);
    }
    monitor.stop();
    const rssEnd = rssNow();
    if (loads.some((l) => l.id === 'd')) await printEscalations(running.base);
    printTable(figures, rssStart, rssEnd);
  } finally {
    await cleanup();
  }
}

async function printEscalations(base: string) {
  const { cases } = (await getJson(base, '/escalations?limit=500', ADMIN_TOKEN)) as { cases: unknown[] };
  let auditRows = 0;
  let after: number | null = null;
  do {
    const page = (await getJson(
      base,
      `/audit?limit=1000${after === null ? '' : `&after=${after}`}`,
      ADMIN_TOKEN,
    )) as { entries: Array<{ action: string; targetType: string }>; next: number | null };
    auditRows += page.entries.filter((e) => /escalation/i.test(`${e.targetType} ${e.action}`)).length;
    after = page.next;
  } while (after !== null);
  console.log(`   escalation cases now: ${cases.length}; audit rows about escalations: ${auditRows}`);
}

function printTable(figures: LoadFigures[], rssStart: number, rssEnd: number) {
  const rows: Array<[string, string, string, boolean]> = [];
  for (const f of figures) {
    const fives = [...f.outcomes].filter(([o]) => /^500/.test(o)).reduce((n, [, c]) => n + c, 0);
    rows.push([
      `(${f.id}) event loop max`,
      `< ${TARGET_LOOP_MS} ms`,
      msText(f.loopMaxMs),
      f.loopMaxMs < TARGET_LOOP_MS,
    ]);
    rows.push([
      `(${f.id}) /health max`,
      `<= ${TARGET_HEALTH_MS} ms, none failed`,
      `${msText(f.healthMax)} (p99 ${msText(f.healthP99)}), ${f.healthFailures} failed`,
      f.healthMax <= TARGET_HEALTH_MS && f.healthFailures === 0,
    ]);
    const growth = f.rssAfter - f.rssBefore;
    rows.push([
      `(${f.id}) RSS after - before`,
      `<= ${mib(TARGET_RSS_BYTES)}`,
      `${mib(growth)} (peak ${mib(f.rssPeak)})`,
      growth <= TARGET_RSS_BYTES,
    ]);
    rows.push([`(${f.id}) answers 500`, '0', String(fives), fives === 0]);
  }
  rows.push([
    'RSS at the end - at the start',
    `<= ${mib(TARGET_RSS_BYTES)}`,
    `${mib(rssEnd - rssStart)} (${mib(rssStart)} -> ${mib(rssEnd)})`,
    rssEnd - rssStart <= TARGET_RSS_BYTES,
  ]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => String(r[i]).length), 6));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log('\n## Figures');
  for (const f of figures) console.log(`- (${f.id}) ${f.title}: ${f.seconds.toFixed(1)} s`);
  console.log('');
  console.log(`${line(['check', 'target', 'value'])} met |`);
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|-----|`);
  for (const [check, target, value, met] of rows)
    console.log(`${line([check, target, value])} ${met ? 'yes' : 'NO '} |`);
  const missed = rows.filter((r) => !r[3]).length;
  console.log(`\n${rows.length - missed} of ${rows.length} targets met.`);
}

await main();
