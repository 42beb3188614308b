/** The console's one stylesheet, served from /console/assets/console.css (the CSP allows no inline style). */
export const CONSOLE_CSS = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #f6f8fa;
  --accent: #0a58ca; --ok: #1a7f37; --bad: #b42318; --warn: #8a5a00; --focus: #ff9f1c; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible,
input[type="datetime-local"]:focus-within {
  outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -9999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 10; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.5rem; background: #10243e; color: #fff; }
header.top a { color: #fff; }
header.top .brand { font-weight: 700; text-decoration: none; margin-right: 1rem; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: .9rem; list-style: none; margin: 0; padding: 0; }
header.top nav a[aria-current="page"] { text-decoration-thickness: 3px; font-weight: 600; }
header.top .who { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
header.top .who button { background: transparent; color: #fff; border: 1px solid #8aa4c8; border-radius: 4px; padding: .2rem .6rem; cursor: pointer; }
main { max-width: 72rem; margin: 0 auto; padding: 1.2rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: .4rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
th { background: var(--bg); font-weight: 600; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .9em; overflow-wrap: break-word; }
td code { overflow-wrap: anywhere; } /* long ids and JSON must not widen a table past the page */
td code.action { white-space: nowrap; }
.fingerprint { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; letter-spacing: .04em; overflow-wrap: anywhere; }
.read-aloud { font-size: 1.1rem; line-height: 1.9; word-spacing: .4em; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; border: 1px solid currentColor; font-size: .85em; }
.state-active, .state-approved, .state-trusted, .state-ok { color: var(--ok); }
.state-distrusted, .state-rejected, .state-disabled, .state-failing { color: var(--bad); }
.state-pending, .state-open, .state-warning { color: var(--warn); }
.notice { border-left: 4px solid var(--accent); background: #eef4ff; padding: .6rem .9rem; margin: 1rem 0; }
.notice.error { border-color: var(--bad); background: #fdecea; }
.notice.ok { border-color: var(--ok); background: #e9f7ee; }
.notice.warn { border-color: var(--warn); background: #fff6e0; }
form.stack { display: grid; gap: .7rem; max-width: 44rem; }
form.inline { display: inline; }
label { font-weight: 600; display: block; }
input[type="text"], input[type="password"], input[type="datetime-local"], input[type="search"], select, textarea {
  width: 100%; padding: .4rem .5rem; border: 1px solid #8c959f; border-radius: 4px; font: inherit; }
textarea { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85rem; }
button, .button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: .45rem .9rem; font: inherit; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary { background: #fff; color: var(--accent); border: 1px solid var(--accent); }
button.danger { background: var(--bad); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: .4rem 0 1rem; }
dl.facts dt { font-weight: 600; color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
dl.facts dd time { overflow-wrap: normal; } /* a date breaks at its spaces, not inside a number */
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(13rem, 1fr)); gap: .8rem; margin: .5rem 0 1rem; padding: 0; list-style: none; }
.cards li { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
.cards .count { font-size: 1.6rem; font-weight: 700; display: block; }
ol.checklist { padding-left: 1.4rem; }
ol.checklist li { margin: .6rem 0; }
.diff { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.diff pre { background: var(--bg); border: 1px solid var(--line); padding: .6rem; overflow: auto; margin: 0; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .9rem; }
legend { font-weight: 600; padding: 0 .3rem; }
pre.plain { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); border: 1px solid var(--line); padding: .5rem .7rem; font-size: .85rem; }
ul.tabs { display: flex; gap: 1rem; list-style: none; padding: 0; margin: 0 0 .5rem; }
ul.tabs a[aria-current="page"] { font-weight: 700; text-decoration-thickness: 3px; }
.state-expired, .state-not-yet-valid { color: var(--bad); }
.state-retired, .state-withdrawn { color: var(--muted); }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); gap: .6rem 1rem; align-items: end; }
form.filters .hint { display: block; font-size: .8em; }
.pager { display: flex; gap: 1.2rem; margin: .6rem 0 1rem; }
p.label { font-weight: 600; margin: 0 0 .2rem; }
pre.wrap, .diff pre { white-space: pre-wrap; overflow-wrap: anywhere; }
.toc { columns: 2 18rem; }
.method { font-weight: 700; text-transform: uppercase; }
`;

/** The console's icon (a shield), so that browsers do not ask for a /favicon.ico the app does not have. */
export const CONSOLE_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><path d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z" fill="#10243e"/><path d="m10 16 4 4 8-9" stroke="#fff" stroke-width="3" fill="none"/></svg>`;
