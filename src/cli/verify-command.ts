import { TrustgateError } from '../errors';
import { fileNameProblem, jobUrlProblem } from '../escalation/caller-fields';
import type { ArtifactInput } from '../verify';
import { flagOption, type ParsedArgs, parseArgs, stringOption } from './args';
import { worstExit } from './exit-codes';
import { type Failure, inputFailure, isFailure, serverFailure, usage } from './failure';
import { annotation, gitHubRunUrl, inGitHubActions, stepSummary } from './github';
import type { CliIo, OfflineCore } from './io';
import { multipartBody, multipartBoundary } from './multipart';
import { outcomeOf, type PackageOutcome, summarise, verdictOf } from './outcome';
import { findPackages, type PackageJob } from './packages';
import { type Progress, progressBar } from './progress';
import { type CaseLink, humanLine, jsonReport, shown, summaryLine } from './report';
import {
  callServer,
  DEFAULT_IDLE_TIMEOUT_SECONDS,
  DEFAULT_TIMEOUT_SECONDS,
  jsonOf,
  type ServerAnswer,
  type ServerTarget,
  serverTarget,
} from './server';

export const VERIFY_OPTIONS = {
  vendor: 'string',
  signature: 'string',
  server: 'string',
  offline: 'flag',
  'trust-store': 'string',
  time: 'string',
  timeout: 'string',
  'idle-timeout': 'string',
  json: 'flag',
  quiet: 'flag',
  progress: 'flag',
  'no-progress': 'flag',
} as const;

/** The server's own limit on a signature; a bigger file is refused before it is read whole. */
const MAX_SIGNATURE_BYTES = 1024 * 1024;
/** Offline, an artifact up to this size is read whole (as the server keeps one); larger ones are hashed as read. */
const MAX_ARTIFACT_HELD_BYTES = 64 * 1024 * 1024;

interface VerifySettings {
  vendor: string;
  time: Date | undefined;
  timeoutSeconds: number;
  idleTimeoutSeconds: number;
  json: boolean;
  quiet: boolean;
  progress: 'auto' | 'on' | 'off';
  explicitSignature: string | undefined;
  offlineStore: string | undefined;
  server: string | undefined;
}

function settingsOf(args: ParsedArgs): VerifySettings | Failure {
  const vendor = stringOption(args, 'vendor');
  if (!vendor) return usage('--vendor is required: the vendor whose roots the packages must chain to');
  const offline = flagOption(args, 'offline');
  const store = stringOption(args, 'trust-store');
  if (offline && !store) return usage('--offline needs --trust-store DIR (the trust-store/ folder layout)');
  if (store && !offline) return usage('--trust-store is read only with --offline');
  if (offline && stringOption(args, 'server')) return usage('--offline and --server exclude each other');
  if (flagOption(args, 'progress') && flagOption(args, 'no-progress'))
    return usage('--progress and --no-progress exclude each other');
  if (flagOption(args, 'json') && flagOption(args, 'quiet'))
    return usage('--json and --quiet exclude each other (--quiet prints nothing)');
  let time: Date | undefined;
  const rawTime = stringOption(args, 'time');
  if (rawTime !== undefined) {
    const instant = isoInstant(rawTime);
    if (!instant) return usage(`--time '${rawTime}' is not an ISO 8601 instant (e.g. 2026-06-01T00:00:00Z)`);
    time = instant;
  }
  const timeoutSeconds = secondsOption(args, 'timeout', DEFAULT_TIMEOUT_SECONDS);
  if (isFailure(timeoutSeconds)) return timeoutSeconds;
  const idleTimeoutSeconds = secondsOption(args, 'idle-timeout', DEFAULT_IDLE_TIMEOUT_SECONDS);
  if (isFailure(idleTimeoutSeconds)) return idleTimeoutSeconds;
  return {
    vendor,
    time,
    timeoutSeconds,
    idleTimeoutSeconds,
    json: flagOption(args, 'json'),
    quiet: flagOption(args, 'quiet'),
    progress: flagOption(args, 'progress') ? 'on' : flagOption(args, 'no-progress') ? 'off' : 'auto',
    explicitSignature: stringOption(args, 'signature'),
    offlineStore: offline ? store : undefined,
    server: stringOption(args, 'server'),
  };
}

const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * A date, a time and a zone, and a real calendar day: `Date` alone takes 2026-02-30 for 2026-03-02 and
 * a zoneless time as local time, and the verification would then be as of another instant than asked.
 */
function isoInstant(raw: string): Date | null {
  const match = ISO_INSTANT.exec(raw);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCFullYear() !== year ||
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day
  )
    return null;
  const instant = new Date(raw);
  return Number.isNaN(instant.getTime()) ? null : instant;
}

/** A week: more is a typo, and past about 24 days the runtime's timers overflow and fire at once. */
const MAX_SECONDS_OPTION = 7 * 24 * 3600;

function secondsOption(args: ParsedArgs, name: string, fallback: number): number | Failure {
  const raw = stringOption(args, name);
  const seconds = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(seconds) || seconds <= 0 || seconds > MAX_SECONDS_OPTION)
    return usage(`--${name} '${raw}' is not a whole number of seconds from 1 to ${MAX_SECONDS_OPTION}`);
  return seconds;
}

/** One package through the server or the offline core. */
type Verifier = (job: PackageJob, signature: Uint8Array | null) => Promise<PackageOutcome>;

export async function verifyCommand(io: CliIo, argv: string[]): Promise<number | Failure> {
  const args = parseArgs(argv, VERIFY_OPTIONS);
  if (isFailure(args)) return args;
  const settings = settingsOf(args);
  if (isFailure(settings)) return settings;
  const found = await findPackages(io, args.positionals, settings.explicitSignature);
  if (isFailure(found)) return found;

  let verify: Verifier;
  let caseLink: CaseLink;
  if (settings.offlineStore !== undefined) {
    const core = await openOfflineCore(io, settings.offlineStore);
    if (isFailure(core)) return core;
    // Warnings name files and folders of the trust store: shown as any untrusted value.
    for (const warning of core.warnings) io.stderr(`warning: ${shown(warning)}\n`);
    verify = offlineVerifier(io, core, settings);
    caseLink = () => null;
  } else {
    const target = serverTarget(settings.server, io);
    if (isFailure(target)) return target;
    verify = serverVerifier(io, target, settings);
    caseLink = (id) => `${target.base}/escalations/${encodeURIComponent(id)}`;
  }

  // Another instant can make an expired chain trusted: never in silence (the server allows it to admins only).
  if (settings.time) io.stderr(`note: verified as of ${settings.time.toISOString()} (--time), not now\n`);
  const github = inGitHubActions(io.env);
  // With --json or --quiet, stdout is the JSON or nothing; the runner reads workflow commands on stderr too.
  const annotate = (line: string) => (settings.json || settings.quiet ? io.stderr : io.stdout)(`${line}\n`);
  const outcomes: PackageOutcome[] = [];
  let unreachable: Failure | null = null;
  for (const job of found.jobs) {
    let outcome: PackageOutcome;
    if ('failure' in job) outcome = outcomeOf(job, job.failure);
    else if (unreachable)
      // One unreachable server is enough to know: the rest are not sent (no waiting out N timeouts).
      outcome = outcomeOf(job, serverFailure(unreachable.code, `not sent: ${unreachable.detail}`));
    else {
      const signature = job.signature ? await readSignature(io, job.signature) : null;
      outcome = isFailure(signature) ? outcomeOf(job, signature) : await verify(job, signature);
      const failure = outcome.failure;
      if (failure && (failure.code === 'SERVER_UNREACHABLE' || failure.code === 'SERVER_TIMEOUT'))
        unreachable = failure;
    }
    outcomes.push(outcome);
    if (!settings.json && !settings.quiet) io.stdout(`${humanLine(outcome, caseLink)}\n`);
    if (github) annotate(annotation(outcome, caseLink));
  }

  const summary = summarise(outcomes);
  const mode = settings.offlineStore !== undefined ? 'offline' : 'server';
  if (settings.json) io.stdout(jsonReport(outcomes, mode));
  else if (!settings.quiet && outcomes.length > 1) io.stdout(`${summaryLine(summary)}\n`);
  const summaryFile = io.env.GITHUB_STEP_SUMMARY;
  if (github && summaryFile)
    await io.appendFile(
      summaryFile,
      stepSummary(outcomes, summary, { vendor: settings.vendor, mode, caseLink }),
    );
  return worstExit(outcomes.map((o) => o.exit));
}

async function readSignature(io: CliIo, path: string): Promise<Uint8Array | Failure> {
  const bytes = await io.readFile(path, MAX_SIGNATURE_BYTES + 1);
  if (bytes.byteLength > MAX_SIGNATURE_BYTES)
    return inputFailure('PAYLOAD_TOO_LARGE', `${path}: a signature is at most ${MAX_SIGNATURE_BYTES} bytes`);
  return bytes;
}

async function openOfflineCore(io: CliIo, dir: string): Promise<OfflineCore | Failure> {
  const facts = await io.stat(dir);
  if (facts?.kind !== 'directory')
    return inputFailure('FILE_NOT_FOUND', `${dir}: no such trust-store folder`);
  const core = await io.openOffline(dir);
  return 'invalid' in core ? inputFailure('TRUST_STORE_INVALID', `${dir}: ${core.invalid}`) : core;
}

/**
 * What the server keeps on an escalation case for on-call: the package's file name and, in GitHub Actions,
 * the run's URL; each only when it passes the server's rule (a name it would refuse is left out, never
 * failing the verification).
 */
function callerFields(io: CliIo, path: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const fileName = path.split(/[\\/]/).pop() ?? '';
  if (fileNameProblem(fileName) === null) out.push(['fileName', fileName]);
  const jobUrl = gitHubRunUrl(io.env);
  if (jobUrl !== undefined && jobUrlProblem(jobUrl) === null) out.push(['jobUrl', jobUrl]);
  return out;
}

function serverVerifier(io: CliIo, target: ServerTarget, settings: VerifySettings): Verifier {
  return async (job, signature) => {
    const boundary = multipartBoundary((bytes) => crypto.getRandomValues(bytes));
    const fields: Array<[string, string]> = [['vendor', settings.vendor]];
    if (settings.time) fields.push(['time', settings.time.toISOString()]);
    fields.push(...callerFields(io, job.path));
    // A new bar per attempt: a body retried after 503 SERVER_BUSY is streamed again from the start.
    const current: { progress: Progress | null } = { progress: null };
    const answer = await callServer(io, target, {
      method: 'POST',
      path: '/verify',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      timeoutSeconds: settings.timeoutSeconds,
      idleTimeoutSeconds: settings.idleTimeoutSeconds,
      body: () => {
        current.progress?.done();
        const bar = progressBar(
          io,
          `uploading ${job.path}`,
          job.size,
          settings.quiet ? 'off' : settings.progress,
        );
        current.progress = bar;
        return multipartBody(boundary, {
          fields,
          signature,
          artifact: io.openFile(job.path),
          onArtifactBytes: (sent) => bar.update(sent),
        });
      },
    });
    current.progress?.done();
    if (isFailure(answer)) return outcomeOf(job, answer);
    // A verdict is 200 application/json and nothing else: a 203 is a proxy's rewrite, a 206 a part.
    if (answer.status >= 200 && answer.status <= 299 && !isVerdictAnswer(answer))
      return outcomeOf(
        job,
        serverFailure(
          'SERVER_ANSWER_UNEXPECTED',
          `HTTP ${answer.status} (${answer.contentType || 'no content type'}) is not how trustgate answers a verification`,
          answer.status,
        ),
      );
    const json = jsonOf(answer);
    if (isFailure(json)) return outcomeOf(job, json);
    const verdict = verdictOf(json.body, settings.vendor);
    return outcomeOf(job, verdict);
  };
}

const isVerdictAnswer = (answer: ServerAnswer) =>
  answer.status === 200 && /^application\/json\s*(;|$)/i.test(answer.contentType);

function offlineVerifier(io: CliIo, core: OfflineCore, settings: VerifySettings): Verifier {
  return async (job, signature) => {
    let artifact: ArtifactInput;
    if (job.size <= MAX_ARTIFACT_HELD_BYTES) {
      const bytes = await io.readFile(job.path, MAX_ARTIFACT_HELD_BYTES + 1);
      // Grown since it was listed: verifying its first bytes would vouch for what follows them.
      if (bytes.byteLength > MAX_ARTIFACT_HELD_BYTES)
        return outcomeOf(job, inputFailure('FILE_CHANGED', `${job.path}: grew while it was read`));
      artifact = { kind: 'bytes', bytes };
    } else if (signature) {
      // As the server does for a streamed upload: hashed with the signer's own algorithm, never held.
      const algorithm = core.signerHash(signature) ?? 'SHA-256';
      const progress = progressBar(
        io,
        `reading ${job.path}`,
        job.size,
        settings.quiet ? 'off' : settings.progress,
      );
      const value = await io.hashFile(job.path, algorithm, (read) => progress.update(read));
      progress.done();
      artifact = { kind: 'digest', algorithm, value };
    } else {
      return outcomeOf(
        job,
        inputFailure(
          'PAYLOAD_TOO_LARGE',
          `${job.path}: a signed JAR/ZIP or PE file is read whole, up to ${MAX_ARTIFACT_HELD_BYTES} bytes`,
        ),
      );
    }
    let result: unknown;
    try {
      result = await core.verify({
        vendor: settings.vendor,
        signature,
        artifact,
        ...(settings.time ? { time: settings.time } : {}),
      });
    } catch (error) {
      if (!(error instanceof TrustgateError)) throw error;
      const failure =
        error.status >= 500
          ? serverFailure(error.code, error.detail)
          : inputFailure(error.code, error.detail);
      return outcomeOf(job, failure);
    }
    // The verdict as the server would send it: through JSON, and read by the same checks.
    const verdict = verdictOf(JSON.parse(JSON.stringify(result)), settings.vendor);
    return outcomeOf(job, verdict);
  };
}
