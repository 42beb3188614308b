/**
 * What `npm run stress` watches while it loads the server, from outside it: GET /health every 50 ms on
 * its own kept-alive connection (one at a time: a slow answer is measured whole, not piled up), the
 * server's RSS from /proc/<pid>/status every 100 ms, and the event loop's worst delay from the server's
 * `stats` lines (STATS_LOG_SECONDS=1, src/platform/stats-log.ts). Every sample carries its time, so a
 * load's figures are the samples inside its window.
 */
import { Agent, request } from 'node:http';
import { rssOf } from '../bench/server';

export interface Sample {
  at: number;
  value: number;
}

export interface Monitor {
  health: Sample[];
  /** /health requests that failed (connection refused, reset, non-200), with when they were sent. */
  healthFailures: Sample[];
  rss: Sample[];
  loopMaxMs: Sample[];
  /** Reads the server's output for stats lines printed since the last call. */
  readStats(): void;
  /** Since when the /health probe in flight waits (null when none is). */
  waitingSince(): number | null;
  /** Resolves once a /health probe sent after this call has been answered (or failed). */
  responsive(): Promise<void>;
  stop(): void;
}

export function startMonitor(options: { base: string; serverPid: number; output: () => string }): Monitor {
  const url = new URL('/health', options.base);
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const monitor: Monitor = {
    health: [],
    healthFailures: [],
    rss: [],
    loopMaxMs: [],
    readStats,
    stop,
    waitingSince: () => (inFlight ? sentAt : null),
    responsive: async () => {
      const mark = performance.now();
      const answered = () => [...monitor.health, ...monitor.healthFailures].some((s) => s.at >= mark);
      while (!answered() && !stopped) await new Promise((r) => setTimeout(r, 50));
    },
  };
  let inFlight = false;
  let sentAt = 0;
  let stopped = false;
  let statsRead = 0;

  const probeHealth = () => {
    if (inFlight || stopped) return;
    inFlight = true;
    const sent = performance.now();
    sentAt = sent;
    const req = request(
      { host: url.hostname, port: url.port, path: url.pathname, agent, timeout: 600_000 },
      (res) => {
        res.resume();
        res.on('end', () => {
          inFlight = false;
          const sample = { at: sent, value: performance.now() - sent };
          (res.statusCode === 200 ? monitor.health : monitor.healthFailures).push(sample);
        });
      },
    );
    req.on('error', () => {
      inFlight = false;
      monitor.healthFailures.push({ at: sent, value: performance.now() - sent });
    });
    req.end();
  };

  function readStats() {
    const text = options.output();
    const fresh = text.slice(statsRead);
    const lastNewline = fresh.lastIndexOf('\n');
    if (lastNewline === -1) return;
    statsRead += lastNewline + 1;
    const now = performance.now();
    for (const match of fresh.slice(0, lastNewline).matchAll(/^stats .*loop_max_ms=([\d.]+)/gm)) {
      monitor.loopMaxMs.push({ at: now, value: Number(match[1]) });
    }
  }

  const healthTimer = setInterval(probeHealth, 50);
  const rssTimer = setInterval(() => {
    const rss = rssOf(options.serverPid);
    if (rss !== null) monitor.rss.push({ at: performance.now(), value: rss });
    readStats();
  }, 100);

  function stop() {
    stopped = true;
    clearInterval(healthTimer);
    clearInterval(rssTimer);
    agent.destroy();
  }
  return monitor;
}

export const within = (samples: Sample[], from: number, to: number) =>
  samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.value);

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}
