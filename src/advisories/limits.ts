/** Bounds on every request the advisory poller makes (feeds and linked certificate files alike). */
export interface FetchLimits {
  /** Whole request, redirects and body included. */
  timeoutMs: number;
  /** Body size cap, enforced while streaming (and up front from Content-Length). */
  maxBytes: number;
  /** Redirect hops followed (each hop re-checked: scheme, URL guard). */
  maxRedirects: number;
  userAgent: string;
}

export const DEFAULT_FETCH_LIMITS: FetchLimits = {
  timeoutMs: 15_000,
  maxBytes: 2 * 1024 * 1024,
  maxRedirects: 5,
  userAgent: 'trustgate-advisory-poller/0.1 (+https://github.com/trustgate)',
};

/** Limits for linked certificate files: same request bounds, smaller body, bounded count. */
export interface CertificateFetchLimits {
  maxBytes: number;
  /** Linked certificate files fetched per item. */
  maxFilesPerItem: number;
  /** Linked certificate files fetched per poll (all items). */
  maxFilesPerPoll: number;
  /** Certificates read from one PEM file or one item. */
  maxCertificatesPerFile: number;
  /** Certificates read in one poll (all items); the rest are reported and left for the next poll. */
  maxCertificatesPerPoll: number;
  /** Items read from one feed document; later ones are reported as not read. */
  maxItemsPerFeed: number;
}

export const DEFAULT_CERTIFICATE_LIMITS: CertificateFetchLimits = {
  maxBytes: 256 * 1024,
  maxFilesPerItem: 8,
  maxFilesPerPoll: 32,
  maxCertificatesPerFile: 16,
  maxCertificatesPerPoll: 64,
  maxItemsPerFeed: 1000,
};

/** How often feeds are polled and how failures back off. */
export interface ScheduleConfig {
  /** Base interval between polls of a healthy feed (a feed may override it). */
  baseIntervalSeconds: number;
  /** Jitter as a fraction of the base interval: the delay is base × (1 ± jitter). */
  jitterRatio: number;
  /** First backoff step; step n is min(cap, first × 2^(n-1)), and the delay is uniform in [floor, step]. */
  backoffBaseSeconds: number;
  backoffCapSeconds: number;
  backoffFloorSeconds: number;
  /** Retry-After values beyond this are clamped. */
  maxRetryAfterSeconds: number;
  /** A run of this many failed polls in a row disables the feed (with the defaults: a day or more of failures). */
  maxConsecutiveFailures: number;
}

export const DEFAULT_SCHEDULE: ScheduleConfig = {
  baseIntervalSeconds: 3600,
  jitterRatio: 0.1,
  backoffBaseSeconds: 60,
  backoffCapSeconds: 6 * 3600,
  backoffFloorSeconds: 5,
  maxRetryAfterSeconds: 24 * 3600,
  maxConsecutiveFailures: 20,
};
