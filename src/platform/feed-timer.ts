import type { FeedPollingReport } from '../services/feeds';

export interface FeedTimer {
  /** Stops the timer and waits for a tick that is running. */
  stop(): Promise<void>;
  /** Runs one tick now unless one is running (tests, and the first tick after start-up). */
  tick(): Promise<void>;
}

/**
 * The Node server's feed poller: every `intervalMs` it calls `run` (the same feed-service poll the Workers cron
 * calls), never two at a time: a tick that finds the previous one still running is skipped. Each feed keeps
 * its own schedule (`nextPollAt`, jittered) in the database; the tick only looks for feeds that are due.
 * The timer does not keep the process alive.
 */
export function startFeedTimer(options: {
  intervalMs: number;
  run: () => Promise<FeedPollingReport>;
  log?: (line: string) => void;
  setInterval?: (fn: () => void, ms: number) => { unref?: () => void };
  clearInterval?: (handle: unknown) => void;
}): FeedTimer {
  const log = options.log ?? ((line) => console.log(line));
  let running: Promise<void> | null = null;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return running ?? Promise.resolve();
    running = options
      .run()
      .then(
        (report) => {
          if (report.polled > 0) {
            log(
              `feeds: polled ${report.polled} (${report.succeeded ?? 0} ok, ${report.disabled ?? 0} disabled), ${report.candidates ?? 0} candidates, ${report.alerts ?? 0} fingerprint alerts`,
            );
          }
        },
        (error: unknown) => {
          console.error('feed poll tick failed', error);
        },
      )
      .finally(() => {
        running = null;
      });
    return running;
  };
  const set = options.setInterval ?? ((fn, ms) => setInterval(fn, ms));
  const clear = options.clearInterval ?? ((h) => clearInterval(h as ReturnType<typeof setInterval>));
  const handle = set(() => void tick(), options.intervalMs);
  handle.unref?.();
  return {
    tick,
    async stop() {
      stopped = true;
      clear(handle);
      await running;
    },
  };
}
