import { type Failure, usage } from './failure';

export type OptionKind = 'string' | 'flag';

export interface ParsedArgs {
  options: Record<string, string | true>;
  positionals: string[];
}

/**
 * Reads `--name value`, `--name=value` and `--flag` anywhere among the positionals, `--` ending options.
 * Strict: an unknown option, a missing value, a value given to a flag or an option given twice is a usage
 * error (a pipeline's typo must fail, not run a different verification).
 */
export function parseArgs(argv: string[], spec: Record<string, OptionKind>): ParsedArgs | Failure {
  const options: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = (equals >= 0 ? arg.slice(0, equals) : arg).replace(/^--?/, '');
    const kind = spec[name];
    if (!kind) return usage(`unknown option ${equals >= 0 ? arg.slice(0, equals) : arg}`);
    if (name in options) return usage(`--${name} is given twice`);
    if (kind === 'flag') {
      if (equals >= 0) return usage(`--${name} takes no value`);
      options[name] = true;
      continue;
    }
    const value = equals >= 0 ? arg.slice(equals + 1) : argv[++i];
    if (value === undefined || value === '') return usage(`--${name} needs a value`);
    options[name] = value;
  }
  return { options, positionals };
}

export const stringOption = (args: ParsedArgs, name: string): string | undefined => {
  const value = args.options[name];
  return typeof value === 'string' ? value : undefined;
};

export const flagOption = (args: ParsedArgs, name: string): boolean => args.options[name] === true;
