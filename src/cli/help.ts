/** What `trustgate --help` and `trustgate help COMMAND` print. */
const OVERVIEW = `trustgate: verify signed packages against a trustgate server or a trust-store folder

usage:
  trustgate verify --vendor ID [options] PACKAGE|FOLDER...
  trustgate cases [--state open|resolved] [--vendor ID] [--json]
  trustgate case ID [--json]
  trustgate roots propose --vendor ID --reason TEXT ROOT.pem
  trustgate roots approve SHA256 --reason TEXT [--vendor ID]
  trustgate signers list --vendor ID [--json]
  trustgate signers propose --vendor ID --reason TEXT SIGNER.pem
  trustgate signers approve SHA256 --reason TEXT [--vendor ID]
  trustgate help [COMMAND] | --version

server: --server URL or TRUSTGATE_URL; token: TRUSTGATE_TOKEN (never a flag)

exit codes:
  0 trusted (every package)   1 rejected   2 unknown_root
  3 input or usage error (the code is printed)   4 server unreachable or failing
  several packages: the highest code of any of them
`;

const VERIFY = `trustgate verify --vendor ID [options] PACKAGE|FOLDER...

Verifies each package's signature and certificate chain against the vendor's roots and prints one
line per package (verdict, reason codes, signer, anchor or escalation case), then a summary.

A package's signature is found next to it: PACKAGE.p7s, PACKAGE.sig or PACKAGE.p7b. A signed JAR/ZIP
or PE file (exe, dll, sys, efi: Authenticode) carries its own. A folder stands for all its files: each is a package or the signature of one beside
it; a signature beside no package (SIGNATURE_WITHOUT_PACKAGE) and a subfolder not named as well
(FOLDER_NOT_VERIFIED) are errors.

options:
  --vendor ID             the vendor whose roots the packages must chain to (required)
  --signature FILE        the signature of a single package, if not found by name
  --server URL            the trustgate server (default: TRUSTGATE_URL)
  --offline               verify here, with no server: needs --trust-store
  --trust-store DIR       roots, TSA roots and distrust dates in the trust-store/ layout
  --time ISO              verify as of this instant (on a server: admin token only)
  --timeout SECONDS       give up on the server after this long per package (default 3600)
  --idle-timeout SECONDS  give up when no byte moves either way for this long (default 120)
  --json                  print the verdicts as JSON instead of lines
  --quiet                 print nothing; the exit code says it all
  --progress              show upload progress even when stderr is not a terminal
  --no-progress           never show upload progress

In GitHub Actions (GITHUB_ACTIONS=true) each package is also an ::error or ::notice annotation, and a
table is appended to the job summary (GITHUB_STEP_SUMMARY).

The server is also sent each package's file name and, in GitHub Actions, the run's URL: an escalation
case shows them to on-call (a name the server would refuse is left out).

exit codes: 0 trusted, 1 rejected, 2 unknown_root, 3 input or usage error, 4 server unreachable or
failing; several packages: the highest.
`;

const CASES = `trustgate cases [--state open|resolved] [--vendor ID] [--json]
trustgate case ID [--json]

Escalation cases (token role oncall or admin). \`case\` prints the case's checklist as Markdown.
exit codes: 0 done, 3 refused (the code is printed), 4 server unreachable or failing.
`;

const ROOTS = `trustgate roots propose --vendor ID --reason TEXT ROOT.pem
trustgate roots approve SHA256 --reason TEXT [--vendor ID]

Proposes a root (pending until approved) and approves one: approval must come from another admin's
token (two-person rule). Token role admin.
exit codes: 0 done, 3 refused (the code is printed), 4 server unreachable or failing.
`;

const SIGNERS = `trustgate signers list --vendor ID [--json]
trustgate signers propose --vendor ID --reason TEXT SIGNER.pem
trustgate signers approve SHA256 --reason TEXT [--vendor ID]

Pinned signer certificates (docs/pinned-signers.md): a signing certificate no CA vouches for (a
firmware or kernel-module key) trusted as the signer itself, for its own signatures and nothing else.
\`list\` prints every pin of the vendor with its state (token role admin or oncall); \`propose\` and
\`approve\` work as for roots: pending until another admin's token approves it (two-person rule), token
role admin. A verdict trusted through a pin names it as "pinned signer".
exit codes: 0 done, 3 refused (the code is printed), 4 server unreachable or failing.
`;

export function helpText(command?: string): string | null {
  if (command === undefined) return OVERVIEW;
  if (command === 'verify') return VERIFY;
  if (command === 'cases' || command === 'case') return CASES;
  if (command === 'roots') return ROOTS;
  if (command === 'signers') return SIGNERS;
  return null;
}
