/**
 * The `trustgate` command: `runCli(argv, io)` runs one invocation and resolves to its exit code
 * (src/cli/exit-codes.ts). The door, src/platform/cli.ts, passes the process's I/O.
 */
import { caseCommand, casesCommand, rootsCommand, signersCommand } from './admin-commands';
import { EXIT } from './exit-codes';
import { type Failure, isFailure, usage } from './failure';
import { helpText } from './help';
import type { CliIo } from './io';
import { failureText } from './report';
import { verifyCommand } from './verify-command';

export { EXIT, type ExitCode } from './exit-codes';
export type { CliIo, FileFacts, OfflineCore } from './io';

const COMMANDS: Record<string, (io: CliIo, argv: string[]) => Promise<number | Failure>> = {
  verify: verifyCommand,
  cases: casesCommand,
  case: caseCommand,
  roots: rootsCommand,
  signers: signersCommand,
};

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const globbed = await optionNamingAFile(io, argv);
  if (globbed) return report(io, globbed);
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.stdout(helpText() as string);
    return command === undefined ? EXIT.INPUT : EXIT.TRUSTED;
  }
  if (command === '--version') {
    io.stdout(`trustgate ${io.version}\n`);
    return EXIT.TRUSTED;
  }
  if (command === 'help') {
    const text = helpText(rest[0]);
    if (text === null)
      return report(io, { code: 'USAGE', detail: `no command '${rest[0]}'`, exit: EXIT.INPUT });
    io.stdout(text);
    return EXIT.TRUSTED;
  }
  const run = COMMANDS[command];
  if (!run)
    return report(io, {
      code: 'USAGE',
      detail: `no command '${command}' (trustgate --help)`,
      exit: EXIT.INPUT,
    });
  const dashes = rest.indexOf('--');
  const options = dashes >= 0 ? rest.slice(0, dashes) : rest;
  if (options.includes('--help') || options.includes('-h')) {
    io.stdout(helpText(command) as string);
    return EXIT.TRUSTED;
  }
  const result = await run(io, rest);
  return isFailure(result) ? report(io, result) : result;
}

function report(io: CliIo, failure: Failure): number {
  io.stderr(`trustgate: ${failureText(failure)}\n`);
  return failure.exit;
}

/**
 * An argument that reads as an option but is also the name of a file here came from a shell glob
 * (`trustgate verify --vendor acme *`): a file named `--help` would end the run with 0 and nothing
 * verified, one named `--server=http:host` would choose the server. Refused: paths go after `--`.
 */
async function optionNamingAFile(io: CliIo, argv: string[]): Promise<Failure | null> {
  for (const arg of argv) {
    if (!arg.startsWith('-') || arg === '-') continue;
    if (await io.stat(arg))
      return usage(`'${arg}' is an option and also a file here (a shell glob?): put -- before the paths`);
    if (arg === '--') break;
  }
  return null;
}
