import { toHex } from '../encoding';
import { neutralise } from '../escalation/markdown-escape';
import { flagOption, parseArgs, stringOption } from './args';
import { EXIT } from './exit-codes';
import { type Failure, inputFailure, isFailure, usage } from './failure';
import { inGitHubActions } from './github';
import type { CliIo } from './io';
import { isRecord } from './outcome';
import { callServer, failureOf, jsonOf, type ServerAnswer, serverTarget } from './server';

/** Longest root or signer certificate file read (a PEM certificate is a few KiB). */
const MAX_PEM_BYTES = 256 * 1024;

const print = (io: CliIo, json: boolean, body: unknown, human: string) =>
  io.stdout(json ? `${JSON.stringify(body, null, 2)}\n` : human);

const text = (value: unknown) =>
  neutralise(typeof value === 'string' || typeof value === 'number' ? String(value) : '');

/** `trustgate cases [--state open|resolved] [--vendor ID] [--json]`: the escalation cases, newest first. */
export async function casesCommand(io: CliIo, argv: string[]): Promise<number | Failure> {
  const args = parseArgs(argv, { state: 'string', vendor: 'string', server: 'string', json: 'flag' });
  if (isFailure(args)) return args;
  if (args.positionals.length) return usage(`cases takes no arguments (got ${args.positionals[0]})`);
  const state = stringOption(args, 'state');
  if (state !== undefined && state !== 'open' && state !== 'resolved')
    return usage('--state is open or resolved');
  const target = serverTarget(stringOption(args, 'server'), io);
  if (isFailure(target)) return target;
  const query = new URLSearchParams();
  if (state) query.set('state', state);
  const vendor = stringOption(args, 'vendor');
  if (vendor) query.set('vendor', vendor);
  const answer = await callServer(io, target, {
    method: 'GET',
    path: `/escalations${query.size ? `?${query}` : ''}`,
  });
  const json = answerJson(answer);
  if (isFailure(json)) return json;
  const cases = isRecord(json) && Array.isArray(json.cases) ? json.cases.filter(isRecord) : [];
  const lines = cases.map((c) => {
    const top = isRecord(c.top) ? c.top : {};
    return `${text(c.id)}  ${text(c.state).padEnd(8)}  ${text(c.kind).padEnd(22)}  ${text(c.vendorId)}  blocked ${text(c.verificationsBlocked)}  last ${text(c.lastSeen)}  "${text(top.subject)}"`;
  });
  // Each line starts with the server's case id: in GitHub Actions an id such as `::error::...` would be
  // read as a workflow command, so the list is fenced as a case's Markdown is.
  const human = lines.length ? fenced(`${lines.join('\n')}\n`, inGitHubActions(io.env)) : 'no cases\n';
  print(io, flagOption(args, 'json'), json, human);
  return EXIT.TRUSTED;
}

/** `trustgate case ID [--json]`: one case as its Markdown checklist (what on-call works through). */
export async function caseCommand(io: CliIo, argv: string[]): Promise<number | Failure> {
  const args = parseArgs(argv, { server: 'string', json: 'flag' });
  if (isFailure(args)) return args;
  const [id, ...rest] = args.positionals;
  if (!id || rest.length) return usage('case takes one case id (trustgate cases lists them)');
  const target = serverTarget(stringOption(args, 'server'), io);
  if (isFailure(target)) return target;
  const json = flagOption(args, 'json');
  const answer = await callServer(io, target, {
    method: 'GET',
    path: `/escalations/${encodeURIComponent(id)}`,
    accept: json ? 'application/json' : 'text/markdown',
  });
  if (isFailure(answer)) return answer;
  if (json) {
    const body = answerJson(answer);
    if (isFailure(body)) return body;
    print(io, true, body, '');
    return EXIT.TRUSTED;
  }
  if (answer.status < 200 || answer.status > 299) return failureOf(answer);
  io.stdout(terminalSafe(answer.text, inGitHubActions(io.env)));
  return EXIT.TRUSTED;
}

/**
 * The server escapes what a signature put into the Markdown; the terminal still gets no control
 * character but newline and tab, and in GitHub Actions the document is fenced with stop-commands so that
 * no line of it can be read as a workflow command.
 */
function terminalSafe(markdown: string, github: boolean): string {
  const lines = markdown.split('\n').map((line) => neutralise(line));
  return fenced(`${lines.join('\n').replace(/\n*$/, '')}\n`, github);
}

/** In GitHub Actions, text between stop-commands with a token no server can guess: no line is a command. */
function fenced(body: string, github: boolean): string {
  if (!github) return body;
  const token = toHex(crypto.getRandomValues(new Uint8Array(16)));
  return `::stop-commands::${token}\n${body}::${token}::\n`;
}

/** `trustgate roots propose --vendor ID --reason TEXT ROOT.pem` and `roots approve SHA256 --reason TEXT`. */
export async function rootsCommand(io: CliIo, argv: string[]): Promise<number | Failure> {
  const [action, ...rest] = argv;
  if (action === 'propose') return proposeAnchor(io, rest, ROOTS);
  if (action === 'approve') return approveAnchor(io, rest, ROOTS);
  return usage('roots takes propose or approve (trustgate help roots)');
}

/**
 * `trustgate signers list --vendor ID`, `signers propose --vendor ID --reason TEXT SIGNER.pem` and
 * `signers approve SHA256 --reason TEXT`: the vendor's pinned signer certificates (docs/pinned-signers.md),
 * on their own routes with the roots' bodies and rules.
 */
export async function signersCommand(io: CliIo, argv: string[]): Promise<number | Failure> {
  const [action, ...rest] = argv;
  if (action === 'list') return listSigners(io, rest);
  if (action === 'propose') return proposeAnchor(io, rest, SIGNERS);
  if (action === 'approve') return approveAnchor(io, rest, SIGNERS);
  return usage('signers takes list, propose or approve (trustgate help signers)');
}

/** Where the roots and the pinned signers differ on the wire and in the command's words. */
interface AnchorRoutes {
  /** The command and the path segment: `roots` or `signers`. */
  noun: 'roots' | 'signers';
  /** The certificate file named in the usage. */
  file: string;
}
const ROOTS: AnchorRoutes = { noun: 'roots', file: 'ROOT.pem' };
const SIGNERS: AnchorRoutes = { noun: 'signers', file: 'SIGNER.pem' };

async function listSigners(io: CliIo, argv: string[]): Promise<number | Failure> {
  const args = parseArgs(argv, { vendor: 'string', server: 'string', json: 'flag' });
  if (isFailure(args)) return args;
  const vendor = stringOption(args, 'vendor');
  if (!vendor || args.positionals.length) return usage('signers list --vendor ID');
  const target = serverTarget(stringOption(args, 'server'), io);
  if (isFailure(target)) return target;
  const answer = await callServer(io, target, {
    method: 'GET',
    path: `/vendors/${encodeURIComponent(vendor)}/signers`,
  });
  const json = answerJson(answer);
  if (isFailure(json)) return json;
  const signers = isRecord(json) && Array.isArray(json.signers) ? json.signers.filter(isRecord) : [];
  const lines = signers.map((s) => {
    const distrust =
      s.keyCompromise === true
        ? '  distrusted: key compromise'
        : typeof s.distrustAfter === 'string'
          ? `  distrusted after ${text(s.distrustAfter)}`
          : '';
    return `${text(s.sha256)}  ${text(s.state).padEnd(10)}  "${text(s.subject)}"  notAfter ${text(s.notAfter)}${distrust}`;
  });
  // Each line starts with the server's fingerprint: fenced in GitHub Actions, as the case list is.
  const human = lines.length
    ? fenced(`${lines.join('\n')}\n`, inGitHubActions(io.env))
    : `no pinned signers for ${text(vendor)}\n`;
  print(io, flagOption(args, 'json'), json, human);
  return EXIT.TRUSTED;
}

async function proposeAnchor(io: CliIo, argv: string[], routes: AnchorRoutes): Promise<number | Failure> {
  const args = parseArgs(argv, { vendor: 'string', reason: 'string', server: 'string', json: 'flag' });
  if (isFailure(args)) return args;
  const vendor = stringOption(args, 'vendor');
  const reason = stringOption(args, 'reason');
  const [file, ...rest] = args.positionals;
  if (!vendor || !reason || !file || rest.length)
    return usage(`${routes.noun} propose --vendor ID --reason TEXT ${routes.file} (one PEM certificate)`);
  const facts = await io.stat(file);
  if (facts?.kind !== 'file') return inputFailure('FILE_NOT_FOUND', `${file}: no such file`);
  const bytes = await io.readFile(file, MAX_PEM_BYTES + 1);
  if (bytes.byteLength > MAX_PEM_BYTES)
    return inputFailure('INVALID_CERTIFICATE', `${file}: over ${MAX_PEM_BYTES} bytes`);
  const target = serverTarget(stringOption(args, 'server'), io);
  if (isFailure(target)) return target;
  const answer = await callServer(io, target, {
    method: 'POST',
    path: `/vendors/${encodeURIComponent(vendor)}/${routes.noun}`,
    headers: { 'content-type': 'application/json' },
    body: () => JSON.stringify({ pem: new TextDecoder().decode(bytes), reason }),
  });
  const json = answerJson(answer);
  if (isFailure(json)) return json;
  const anchor = isRecord(json) ? json : {};
  print(
    io,
    flagOption(args, 'json'),
    json,
    `proposed ${text(anchor.sha256)} for ${text(vendor)}: state ${text(anchor.state)}; another admin approves it with\n  trustgate ${routes.noun} approve ${text(anchor.sha256)} --reason "..."\n`,
  );
  return EXIT.TRUSTED;
}

async function approveAnchor(io: CliIo, argv: string[], routes: AnchorRoutes): Promise<number | Failure> {
  const args = parseArgs(argv, { vendor: 'string', reason: 'string', server: 'string', json: 'flag' });
  if (isFailure(args)) return args;
  const reason = stringOption(args, 'reason');
  const [sha256, ...rest] = args.positionals;
  if (!reason || !sha256 || rest.length)
    return usage(`${routes.noun} approve SHA256 --reason TEXT [--vendor ID]`);
  const target = serverTarget(stringOption(args, 'server'), io);
  if (isFailure(target)) return target;
  const vendor = stringOption(args, 'vendor');
  const answer = await callServer(io, target, {
    method: 'POST',
    path: `/${routes.noun}/${encodeURIComponent(sha256)}/approve${vendor ? `?vendor=${encodeURIComponent(vendor)}` : ''}`,
    headers: { 'content-type': 'application/json' },
    body: () => JSON.stringify({ reason }),
  });
  const json = answerJson(answer);
  if (isFailure(json)) return json;
  const anchor = isRecord(json) ? json : {};
  print(io, flagOption(args, 'json'), json, `approved ${text(anchor.sha256)}: state ${text(anchor.state)}\n`);
  return EXIT.TRUSTED;
}

function answerJson(answer: ServerAnswer | Failure): unknown | Failure {
  if (isFailure(answer)) return answer;
  const json = jsonOf(answer);
  return isFailure(json) ? json : json.body;
}
