/**
 * STATS_LOG_SECONDS: one line every N seconds with the event loop's worst delay, memory and the request
 * budget, as `key=value` pairs (read by `npm run stress`, and by operators watching a busy server).
 */
import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RequestBudget } from '../http/request-budget';

const ms = (ns: number) => (ns / 1e6).toFixed(1);
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

export function startStatsLog(
  intervalSeconds: number,
  budget: RequestBudget,
  server: Server,
  log: (line: string) => void = console.log,
): () => void {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const timer = setInterval(() => {
    const usage = budget.usage();
    const memory = process.memoryUsage();
    const line = [
      `loop_max_ms=${ms(delay.max)}`,
      `loop_p99_ms=${ms(delay.percentile(99))}`,
      `rss_mib=${mib(memory.rss)}`,
      `heap_mib=${mib(memory.heapUsed)}`,
      `external_mib=${mib(memory.external + memory.arrayBuffers)}`,
      `buffered_bytes=${usage.bufferedBytes}`,
      `verifications=${usage.verifications}`,
      `queued=${usage.queuedVerifications}`,
    ].join(' ');
    delay.reset();
    server.getConnections((error, count) => {
      log(`stats ${line} connections=${error ? 'unknown' : count}`);
    });
  }, intervalSeconds * 1000);
  timer.unref();
  return () => {
    clearInterval(timer);
    delay.disable();
  };
}
