import { Worker } from 'node:worker_threads';

/**
 * Catches the input that never returns. A target stuck in a synchronous loop blocks the thread that would
 * time it, so a worker thread watches instead: the fuzz loop copies each input into shared memory before
 * running it; when one input has been running for `hangMs`, the worker writes it to the crashers folder,
 * says so on stderr, and ends the test process (a run that hangs forever helps nobody; the saved input
 * replays the hang on the next run).
 */

const WORKER = `
const { workerData } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const { mkdirSync, writeFileSync, writeSync } = require('node:fs');
const { join } = require('node:path');
const { shared, dir, hangMs, target } = workerData;
const control = new Int32Array(shared, 0, 4); // sequence, busy, length, stop
const data = new Uint8Array(shared, 16);
let seen = -1;
let since = Date.now();
for (;;) {
  Atomics.wait(control, 3, 0, 200);
  if (Atomics.load(control, 3) !== 0) break;
  const sequence = Atomics.load(control, 0);
  if (sequence !== seen) { seen = sequence; since = Date.now(); continue; }
  if (Atomics.load(control, 1) === 0 || Date.now() - since < hangMs) continue;
  const input = Buffer.from(data.subarray(0, Atomics.load(control, 2)));
  const file = join(dir, createHash('sha256').update(input).digest('hex').slice(0, 16) + '.bin');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, input);
  writeSync(2, '\\nfuzz ' + target + ': an input ran for more than ' + hangMs + ' ms; saved to ' + file + '; ending the test process\\n');
  process.kill(process.pid, 'SIGKILL');
}
`;

export class Watchdog {
  private readonly control: Int32Array;
  private readonly data: Uint8Array;
  private readonly worker: Worker;

  constructor(target: string, dir: string, maxBytes: number, hangMs: number) {
    const shared = new SharedArrayBuffer(16 + maxBytes);
    this.control = new Int32Array(shared, 0, 4);
    this.data = new Uint8Array(shared, 16);
    this.worker = new Worker(WORKER, { eval: true, workerData: { shared, dir, hangMs, target } });
    this.worker.unref();
  }

  begin(input: Uint8Array): void {
    const length = Math.min(input.length, this.data.length);
    this.data.set(input.subarray(0, length));
    Atomics.store(this.control, 2, length);
    Atomics.store(this.control, 1, 1);
    Atomics.add(this.control, 0, 1);
  }

  end(): void {
    Atomics.store(this.control, 1, 0);
  }

  async stop(): Promise<void> {
    Atomics.store(this.control, 3, 1);
    Atomics.notify(this.control, 3);
    await this.worker.terminate();
  }
}
