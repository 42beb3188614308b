import { neutralise } from '../escalation/markdown-escape';
import type { CliIo } from './io';

/** Uploads and reads smaller than this finish before a bar would be worth drawing. */
const PROGRESS_FROM_BYTES = 4 * 1024 * 1024;
const WIDTH = 30;
const MiB = 1024 * 1024;

export interface Progress {
  update(bytes: number): void;
  done(): void;
}

const silent: Progress = { update: () => undefined, done: () => undefined };

/**
 * A bar on stderr (`\r`-redrawn, once per percent) for a transfer of `total` bytes, or nothing when it
 * is not wanted: not a terminal (unless forced), too small to matter.
 */
export function progressBar(io: CliIo, label: string, total: number, mode: 'auto' | 'on' | 'off'): Progress {
  const wanted = mode === 'on' || (mode === 'auto' && io.stderrIsTty);
  if (!wanted || total < PROGRESS_FROM_BYTES) return silent;
  // The label names a file: its name must not start a line of its own (a CI workflow command) or move the cursor.
  const title = neutralise(label);
  let shown = -1;
  let last = 0;
  const draw = (bytes: number) => {
    const percent = Math.min(100, Math.floor((bytes / total) * 100));
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round((percent / 100) * WIDTH);
    io.stderr(
      `\r${title} [${'#'.repeat(filled)}${' '.repeat(WIDTH - filled)}] ${String(percent).padStart(3)}% ${(bytes / MiB).toFixed(1)}/${(total / MiB).toFixed(1)} MiB`,
    );
  };
  return {
    update(bytes) {
      last = bytes;
      draw(bytes);
    },
    done() {
      draw(last);
      io.stderr('\n');
    },
  };
}
