/**
 * Every setting trustgate reads from its environment, in one schema, parsed once per start-up (Node) or
 * isolate (Workers). The two platforms differ only in what is spelled out here:
 *  - which settings they read (`NODE_SETTINGS`, `WORKER_SETTINGS`): the server, timers, paths and outbound
 *    revocation fetches exist on Node only;
 *  - what a malformed value does: Node refuses to start and lists every problem (`readNodeConfig`);
 *    Workers cannot refuse, so each malformed setting falls back to a fail-closed value and the fallback
 *    is logged (`readWorkerConfig`, `WORKER_FALLBACKS`).
 * Paths (`DATABASE_URL`, `TRUST_STORE_DIR`, `PLAYBOOKS_DIR`) are kept as given: the Node adapter resolves
 * them and their defaults against the package root.
 */
import { z } from 'zod';
import { DEFAULT_ESCALATION_LIMITS, parseWebhookSecrets } from './escalation';

/** The environment as both platforms hand it over (process.env, a Worker's `env` with its bindings). */
export type Environment = object;

const unset = (value: string | undefined) => value === undefined || value.trim() === '';

const integer = (fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || unset(value)) return fallback;
      const n = Number(value);
      if (Number.isInteger(n) && n >= min && n <= max) return n;
      ctx.addIssue({ code: 'custom', message: `must be an integer from ${min} to ${max}, got ${value}` });
      return z.NEVER;
    });

/** true/false/1/0, any case; unset or empty is `false`. Anything else is a problem, never a guess. */
const flag = () =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const v = (value ?? 'false').trim().toLowerCase();
      if (['true', '1'].includes(v)) return true;
      if (['false', '0', ''].includes(v)) return false;
      ctx.addIssue({ code: 'custom', message: `must be true or false, got ${value}` });
      return z.NEVER;
    });

/** A feature that is on unless explicitly turned off (false/0). */
const onUnlessOff = () =>
  z
    .string()
    .optional()
    .transform((value) => !['false', '0'].includes((value ?? 'true').trim().toLowerCase()));

/** Free text, trimmed; unset or blank is `undefined`. */
const text = () =>
  z
    .string()
    .optional()
    .transform((value) => value?.trim() || undefined);

const textOr = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((value) => value?.trim() || fallback);

const adminToken = () =>
  text().refine((token) => token === undefined || /^[\x21-\x7e]{16,512}$/.test(token), {
    message: 'must be 16 to 512 printable characters without spaces',
  });

/** A Standard Webhooks secret (or several while rotating); the message never quotes it. */
const webhookSecret = () =>
  text().transform((value, ctx) => {
    if (value === undefined) return undefined;
    const parsed = parseWebhookSecrets(value);
    if (parsed.ok) return value;
    ctx.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });

const port = () =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || unset(value)) return 8787;
      const n = Number(value);
      if (Number.isInteger(n) && n >= 0 && n <= 65535) return n;
      ctx.addIssue({ code: 'custom', message: `must be a port number, got ${value}` });
      return z.NEVER;
    });

/** The settings by their name in the config, each read from its environment variable (`ENV_NAMES`). */
const settings = z.object({
  /** ADMIN_TOKEN: the bootstrap admin's secret; never stored. */
  adminToken: adminToken(),
  /** REQUIRE_VERIFY_TOKEN=true: POST /verify needs a verifier or admin token. */
  requireVerifyToken: flag(),
  /** PUBLIC_URL: how people reach this service, for the links and API calls in escalation checklists. */
  publicUrl: text(),
  /** ESCALATION_WEBHOOK_URL: receives escalation.opened / escalation.resolved events. */
  escalationWebhookUrl: text(),
  /** ESCALATION_WEBHOOK_SECRET: `whsec_<base64>`; signs those events (Standard Webhooks). Unset: unsigned. */
  escalationWebhookSecret: webhookSecret(),
  /** LOG_REQUESTS=false: no JSON line per request (default on). */
  logRequests: onUnlessOff(),
  /** FEEDS_PER_TICK: feeds polled per tick (Node timer, Workers cron) at most, most overdue first. */
  feedsPerTick: integer(10, 1, 1000),
  /** FEEDS_CONCURRENCY: feeds polled at the same time. */
  feedsConcurrency: integer(4, 1, 64),
  port: port(),
  /** HOST: the address to listen on; loopback unless set (0.0.0.0: every address). */
  host: textOr('127.0.0.1'),
  /** DATABASE_URL as given (Node default: a file under ./data/). */
  databaseUrl: text(),
  /** TRUST_STORE_DIR as given (Node default: ./trust-store). */
  trustStoreDir: text(),
  /** PLAYBOOKS_DIR as given (Node default: ./advisories/playbooks). */
  playbooksDir: text(),
  /** CRL_FETCH=false: do not fetch the CRL distribution points a chain names. */
  crlFetch: onUnlessOff(),
  /** OCSP_FETCH=false: do not ask the OCSP responder a signer certificate names. */
  ocspFetch: onUnlessOff(),
  /** FEEDS_ALLOW_PRIVATE=true: feeds may be on loopback and private addresses. */
  feedsAllowPrivate: flag(),
  /** FEEDS_TICK_SECONDS: how often the poller looks for due feeds (0 turns polling off). */
  feedsTickSeconds: integer(60, 0, 86_400),
  /** ESCALATION_NEW_CASES_PER_VENDOR: new unknown-root cases one vendor may open per window. */
  escalationNewCasesPerVendor: integer(DEFAULT_ESCALATION_LIMITS.newCasesPerVendor, 1, 100),
  /** ESCALATION_WINDOW_SECONDS: that window, sliding; past it requests join the overflow case. */
  escalationWindowSeconds: integer(DEFAULT_ESCALATION_LIMITS.windowSeconds, 1, 30 * 24 * 3600),
  /** MAX_CONNECTIONS: open connections at most; more are closed as they arrive. */
  maxConnections: integer(256, 1, 65_536),
  /** HEADERS_TIMEOUT_SECONDS: a request's headers must arrive within this. */
  headersTimeoutSeconds: integer(20, 1, 600),
  /** REQUEST_TIMEOUT_SECONDS: a whole request, body included, must arrive within this (0: none). */
  requestTimeoutSeconds: integer(3600, 0, 86_400),
  /** IDLE_TIMEOUT_SECONDS: a connection on which no byte moves for this long is closed. */
  idleTimeoutSeconds: integer(30, 1, 3600),
  /** KEEP_ALIVE_TIMEOUT_SECONDS: an idle kept-alive connection is closed after this. */
  keepAliveTimeoutSeconds: integer(5, 1, 3600),
  /** MAX_BUFFERED_MIB: request bytes held in memory across all requests. */
  maxBufferedMib: integer(512, 1, 1_048_576),
  /** MAX_CONCURRENT_VERIFICATIONS: verifications computing at once. */
  maxConcurrentVerifications: integer(8, 1, 1024),
  /** MAX_QUEUED_VERIFICATIONS: verifications waiting for a slot; one more is 503. */
  maxQueuedVerifications: integer(64, 0, 65_536),
  /** STATS_LOG_SECONDS: log event-loop delay, memory and the request budget this often (0: off). */
  statsLogSeconds: integer(0, 0, 86_400),
  /** SHUTDOWN_GRACE_SECONDS: on SIGTERM/SIGINT, how long requests in flight may take before they are cut. */
  shutdownGraceSeconds: integer(10, 0, 3600),
});

type Settings = z.output<typeof settings>;
type SettingName = keyof Settings;

/** The environment variable each setting is read from. */
export const ENV_NAMES: Readonly<Record<SettingName, string>> = {
  adminToken: 'ADMIN_TOKEN',
  requireVerifyToken: 'REQUIRE_VERIFY_TOKEN',
  publicUrl: 'PUBLIC_URL',
  escalationWebhookUrl: 'ESCALATION_WEBHOOK_URL',
  escalationWebhookSecret: 'ESCALATION_WEBHOOK_SECRET',
  logRequests: 'LOG_REQUESTS',
  feedsPerTick: 'FEEDS_PER_TICK',
  feedsConcurrency: 'FEEDS_CONCURRENCY',
  port: 'PORT',
  host: 'HOST',
  databaseUrl: 'DATABASE_URL',
  trustStoreDir: 'TRUST_STORE_DIR',
  playbooksDir: 'PLAYBOOKS_DIR',
  crlFetch: 'CRL_FETCH',
  ocspFetch: 'OCSP_FETCH',
  feedsAllowPrivate: 'FEEDS_ALLOW_PRIVATE',
  feedsTickSeconds: 'FEEDS_TICK_SECONDS',
  escalationNewCasesPerVendor: 'ESCALATION_NEW_CASES_PER_VENDOR',
  escalationWindowSeconds: 'ESCALATION_WINDOW_SECONDS',
  maxConnections: 'MAX_CONNECTIONS',
  headersTimeoutSeconds: 'HEADERS_TIMEOUT_SECONDS',
  requestTimeoutSeconds: 'REQUEST_TIMEOUT_SECONDS',
  idleTimeoutSeconds: 'IDLE_TIMEOUT_SECONDS',
  keepAliveTimeoutSeconds: 'KEEP_ALIVE_TIMEOUT_SECONDS',
  maxBufferedMib: 'MAX_BUFFERED_MIB',
  maxConcurrentVerifications: 'MAX_CONCURRENT_VERIFICATIONS',
  maxQueuedVerifications: 'MAX_QUEUED_VERIFICATIONS',
  statsLogSeconds: 'STATS_LOG_SECONDS',
  shutdownGraceSeconds: 'SHUTDOWN_GRACE_SECONDS',
};

/** Node reads every setting. */
export const NODE_SETTINGS = Object.keys(ENV_NAMES) as SettingName[];

/** Workers: no server, timer, paths or outbound CRL/OCSP fetches; feeds are public hosts only. */
export const WORKER_SETTINGS = [
  'adminToken',
  'requireVerifyToken',
  'publicUrl',
  'escalationWebhookUrl',
  'escalationWebhookSecret',
  'logRequests',
  'feedsPerTick',
  'feedsConcurrency',
] as const satisfies readonly SettingName[];

/**
 * What a malformed setting becomes on Workers, and what the log says that means. Closed, never open:
 * a bad ADMIN_TOKEN disables the bootstrap admin, a bad REQUIRE_VERIFY_TOKEN requires tokens (a typo
 * must not open /verify), a bad ESCALATION_WEBHOOK_SECRET sends events unsigned (as with none: a receiver
 * that checks signatures refuses them, one that does not loses nothing). Settings not listed fall back to
 * their default.
 */
export const WORKER_FALLBACKS: Partial<Record<SettingName, { raw: string | undefined; effect: string }>> = {
  adminToken: { raw: undefined, effect: 'bootstrap admin disabled' },
  requireVerifyToken: { raw: 'true', effect: 'requiring tokens' },
  escalationWebhookSecret: { raw: undefined, effect: 'escalation webhooks sent unsigned' },
};

/** The settings both platforms read, which is all that `bootstrap` needs. */
export interface AppConfig {
  adminToken: string | undefined;
  requireVerifyToken: boolean;
  /** The service's own base URL for checklists (default http://localhost:<port>). */
  publicUrl: string;
  escalationWebhookUrl: string | undefined;
  /** The Standard Webhooks secret(s) as given (`whsec_...`, validated); undefined: events go unsigned. */
  escalationWebhookSecret: string | undefined;
  feedsPerTick: number;
  feedsConcurrency: number;
  /** LOG_REQUESTS: one JSON line per request to the platform's log port (left out: on). */
  logRequests?: boolean;
  /** Node only: left out, the escalation service's defaults apply. */
  escalationNewCasesPerVendor?: number;
  escalationWindowSeconds?: number;
  /** Node only: left out, no CRL / OCSP is fetched. */
  crlFetch?: boolean;
  ocspFetch?: boolean;
  /** Node only: left out, the app's default request budget applies. */
  maxBufferedMib?: number;
  maxConcurrentVerifications?: number;
  maxQueuedVerifications?: number;
}

export type NodeConfig = Omit<Settings, 'publicUrl'> & AppConfig & { publicUrl: string };
export type WorkerConfig = Pick<Settings, (typeof WORKER_SETTINGS)[number]> & AppConfig;

const nodeSchema = settings.superRefine((s, ctx) => {
  if (s.requestTimeoutSeconds > 0 && s.headersTimeoutSeconds > s.requestTimeoutSeconds)
    ctx.addIssue({
      code: 'custom',
      path: ['headersTimeoutSeconds'],
      message: 'must not be over REQUEST_TIMEOUT_SECONDS',
    });
});
const workerSchema = settings.pick(
  Object.fromEntries(WORKER_SETTINGS.map((name) => [name, true])) as {
    [K in (typeof WORKER_SETTINGS)[number]]: true;
  },
);

/**
 * The raw values of `names` from the environment. Workers' [vars] may hold JSON values: a boolean or a
 * number is read as its text (`REQUIRE_VERIFY_TOKEN = true` unquoted means true), any other non-string
 * (an object, a binding) stays as it is so that the schema refuses it, never read as unset (which would
 * turn a setting like REQUIRE_VERIFY_TOKEN off without a word).
 */
function rawSettings(env: Environment, names: readonly SettingName[]): Record<string, unknown> {
  return Object.fromEntries(
    names.map((name) => {
      const value = (env as Record<string, unknown>)[ENV_NAMES[name]];
      const scalar = typeof value === 'boolean' || typeof value === 'number';
      return [name, value === null ? undefined : scalar ? String(value) : value];
    }),
  );
}

/** One line per problem, named by its environment variable. */
function problems(error: z.ZodError): Array<{ name: SettingName; message: string }> {
  return error.issues.map((issue) => {
    const name = issue.path[0] as SettingName;
    return { name, message: `${ENV_NAMES[name]} ${issue.message}` };
  });
}

const withPublicUrl = <T extends { publicUrl: string | undefined }>(s: T, port: number) => ({
  ...s,
  publicUrl: s.publicUrl ?? `http://localhost:${port}`,
});

/** A setting Node cannot run with; `problems` lists every one found, not just the first. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`the configuration is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Node: every setting, or a ConfigError listing every malformed one (the server does not start). */
export function readNodeConfig(env: Environment): NodeConfig {
  const parsed = nodeSchema.safeParse(rawSettings(env, NODE_SETTINGS));
  if (!parsed.success) throw new ConfigError(problems(parsed.error).map((p) => p.message));
  return withPublicUrl(parsed.data, parsed.data.port);
}

/**
 * Workers: the settings a Worker reads. A malformed one cannot stop the isolate (every request would
 * fail), so it takes its `WORKER_FALLBACKS` value (or its default) and `log` says so.
 */
export function readWorkerConfig(
  env: Environment,
  log: (message: string) => void = (message) => console.error(message),
): WorkerConfig {
  const raw = rawSettings(env, WORKER_SETTINGS);
  const first = workerSchema.safeParse(raw);
  if (first.success) return withPublicUrl(first.data, 8787);
  const found = problems(first.error);
  for (const { name } of found) raw[name] = WORKER_FALLBACKS[name]?.raw;
  const data = workerSchema.parse(raw);
  for (const { name, message } of found) {
    const effect = WORKER_FALLBACKS[name]?.effect ?? `using ${String(data[name as keyof typeof data])}`;
    log(`${message}: ${effect}`);
  }
  return withPublicUrl(data, 8787);
}
