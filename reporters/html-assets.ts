/** The report's inline style and script: no CDN, no fonts, nothing fetched, so the page works offline and as an
 *  artifact opened straight from disk. The details panels are shown with CSS :target, so the grid drills down even
 *  with scripts disabled; the script only adds keyboard-free niceties (one panel at a time, aria-expanded). */
export const REPORT_CSS = `
:root { font-family: system-ui, sans-serif; color: #1d232a; background: #fff; }
body { margin: 1.5rem auto; max-width: 1200px; padding: 0 1rem; }
h1 { font-size: 1.5rem; } h2 { margin-top: 2rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
table.grid td { padding: 0; } table.grid a.state { display: block; padding: .5rem .6rem; text-decoration: none; color: inherit; font-weight: 600; font-size: .85rem; }
table.grid a.state:hover, table.grid a.state[aria-expanded="true"] { outline: 3px solid #0969da; outline-offset: -3px; }
.s-PASS { background: #dafbe1; } .s-FAIL { background: #ffd7d5; } .s-FLAKY { background: #fff1c2; }
.s-KNOWN-LIMITATION { background: #fff8c5; } .s-LIMITATION-PASSED { background: #ffcbe0; } .s-NOT-RUN { background: #eaeef2; }
.s-INFRA-FAIL { background: #ffe2c2; } .s-NA { background: #f6f8fa; color: #6e7781; }
.verdict { display: inline-block; padding: .3rem .8rem; border-radius: 4px; font-weight: 700; }
.v-PASS { background: #1f883d; color: #fff; } .v-FAIL { background: #cf222e; color: #fff; } .v-INCONCLUSIVE { background: #9a6700; color: #fff; }
section.detail { display: none; border: 1px solid #0969da; border-radius: 6px; padding: .5rem 1rem; margin: 1rem 0; }
section.detail:target, section.detail.open { display: block; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: .5rem; max-height: 20rem; overflow: auto; font-size: .8rem; }
.o-failed, .o-failed-wrong-reason, .o-unexpected-pass { color: #cf222e; font-weight: 600; } .o-flaky { color: #9a6700; font-weight: 600; }
.o-infra-error { color: #bc4c00; font-weight: 600; } .o-skipped { color: #6e7781; }
.muted { color: #6e7781; font-size: .85rem; } dl.env { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; }
dl.env dt { font-weight: 600; } dl.env dd { margin: 0; }
`;

export const REPORT_JS = `
document.addEventListener('click', (event) => {
  const link = event.target.closest('a.state');
  if (!link) return;
  for (const open of document.querySelectorAll('section.detail.open')) open.classList.remove('open');
  for (const other of document.querySelectorAll('a.state[aria-expanded="true"]')) other.setAttribute('aria-expanded', 'false');
  const panel = document.getElementById(link.getAttribute('href').slice(1));
  if (panel) { panel.classList.add('open'); link.setAttribute('aria-expanded', 'true'); }
});
`;
