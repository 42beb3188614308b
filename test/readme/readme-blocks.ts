/**
 * The README's shell examples as the README test runs them.
 *
 * Conventions (the README states the second one to its readers):
 * - `<!-- readme-test: skip — <reason> -->` on the line right before a ```sh fence leaves that block out;
 *   the reason is required. Any other `readme-test` comment is an error, so a typo cannot skip silently.
 * - `# exits N` (optionally `: why`) ending a one-line command says the command exits with N; the run
 *   checks that exact code. Every other command must succeed (`set -euo pipefail`).
 */

export interface ShellBlock {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** Set when the block is left out, with why. */
  skip?: string;
}

const FENCE_SH = /^```sh\s*$/;
const FENCE_END = /^```\s*$/;
const SKIP = /^<!-- readme-test: skip — (.*\S.*?) -->$/;
const EXPECTED_EXIT = /\s#\s*exits (\d+)(?::.*)?$/;

export function shellBlocks(markdown: string): ShellBlock[] {
  const lines = markdown.split('\n');
  const blocks: ShellBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i] ?? '';
    if (text.includes('readme-test') && !SKIP.test(text)) {
      throw new Error(`README.md:${i + 1}: malformed marker (want "<!-- readme-test: skip — <reason> -->")`);
    }
    if (SKIP.test(text) && !FENCE_SH.test(lines[i + 1] ?? '')) {
      throw new Error(`README.md:${i + 1}: a skip marker must be the line right before a \`\`\`sh fence`);
    }
    if (!FENCE_SH.test(text)) continue;
    const end = lines.findIndex((l, j) => j > i && FENCE_END.test(l));
    if (end < 0) throw new Error(`README.md:${i + 1}: unterminated code block`);
    const skip = SKIP.exec(lines[i - 1] ?? '')?.[1];
    blocks.push({ line: i + 1, code: lines.slice(i + 1, end).join('\n'), ...(skip ? { skip } : {}) });
    i = end;
  }
  return blocks;
}

export interface ExpectedExit {
  /** 1-based line in the Markdown file. */
  line: number;
  code: number;
  /** The command without its marker. */
  command: string;
}

/** The `# exits N` markers of a block, refusing them where the line is not a whole command. */
export function expectedExits(block: ShellBlock): ExpectedExit[] {
  const lines = block.code.split('\n');
  const found: ExpectedExit[] = [];
  lines.forEach((text, i) => {
    const match = EXPECTED_EXIT.exec(text);
    if (!match) return;
    const line = block.line + 1 + i;
    const previous = (lines[i - 1] ?? '').trimEnd();
    if (previous.endsWith('\\') || previous.endsWith('|') || previous.endsWith('&&')) {
      throw new Error(`README.md:${line}: "# exits N" must end a command that is on one line`);
    }
    found.push({ line, code: Number(match[1]), command: text.slice(0, match.index).trimEnd() });
  });
  return found;
}

/**
 * One bash script for every runnable block, in order, in one shell (variables carry from block to
 * block, as in a reader's terminal). A marked command runs with its exit code checked instead of
 * `set -e`; anything else failing stops the script with the block's line.
 */
export function scriptOf(blocks: ShellBlock[]): string {
  const out = [
    'set -euo pipefail',
    '__at=start',
    `trap 'echo "README.md:$__at: a command failed (exit $?)" >&2' ERR`,
    '__expect() { if [ "$2" != "$1" ]; then echo "README.md:$3: expected exit $1, got $2" >&2; exit 97; fi; }',
  ];
  for (const block of blocks) {
    if (block.skip) continue;
    const marks = new Map(expectedExits(block).map((e) => [e.line, e]));
    out.push(`__at=${block.line}`, `echo "== README.md:${block.line}"`);
    block.code.split('\n').forEach((text, i) => {
      const line = block.line + 1 + i;
      const mark = marks.get(line);
      out.push(mark ? `__rc=0; ${mark.command} || __rc=$?; __expect ${mark.code} "$__rc" ${line}` : text);
    });
  }
  out.push('echo "== every runnable block ran"');
  return `${out.join('\n')}\n`;
}
