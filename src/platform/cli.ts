/**
 * The `trustgate` command's entry (package.json "bin", bundled into bin/trustgate.mjs by
 * scripts/build-cli.ts): the process's I/O for `runCli`, and its exit code for the shell.
 */
// A named import: the bundle then carries the version alone, not the whole package.json.
import { version } from '../../package.json';
import { EXIT, runCli } from '../cli';
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
  process.stderr.write(
    `trustgate: INTERNAL: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  code = EXIT.SERVER;
}
// Exit once what was written has been flushed (a pipe is written asynchronously).
process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
