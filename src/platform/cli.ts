/**
 * The `trustgate` command's entry (package.json "bin", bundled into bin/trustgate.mjs by
 * scripts/build-cli.ts): the process's I/O for `runCli`, and its exit code for the shell.
 */
// A named import: the bundle then carries the version alone, not the whole package.json.
import { version } from '../../package.json';
import { EXIT, runCli } from '../cli';
import { neutralise } from '../escalation/markdown-escape';
import { nodeCliIo } from './cli-io';

// A reader that went away (`trustgate ... | head`) is not a failure of the verification.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

let code: number;
try {
  code = await runCli(process.argv.slice(2), nodeCliIo(version));
} catch (error) {
  // A fault of the command itself: never 0, 1 or 2, which a pipeline would read as a verdict.
  process.stderr.write(`trustgate: INTERNAL: ${internalText(error)}\n`);
  code = EXIT.SERVER;
}
// Exit once what was written has been flushed (a pipe is written asynchronously).
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));

/**
 * A fault's message on one line (it may quote a file name from the workspace, which must not start a CI
 * workflow command or move the cursor), then the stack's frame lines only.
 */
function internalText(error: unknown): string {
  if (!(error instanceof Error)) return neutralise(String(error));
  const frames = (error.stack ?? '')
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .map((line) => `\n    ${neutralise(line.trim())}`);
  return `${neutralise(`${error.name}: ${error.message}`)}${frames.join('')}`;
}
