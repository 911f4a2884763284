/** The report's inline style and script: no CDN, no fonts, nothing fetched, so the page works offline and as an
 *  artifact opened straight from disk. The detail panels are shown with CSS :target, so without scripts a grid cell
 *  still opens to its state, summary, claim and history; the script draws the cell's tests from the JSON beside
 *  the panel on first opening, in place of the line saying so (a big report does not build thousands of rows nobody
 *  looks at, and <noscript> is not shown when only the page's script is blocked), keeps one panel
 *  open at a time and sets aria-expanded. It builds the DOM with textContent only: report data is never HTML. */
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
.sq { display: inline-block; width: .55rem; height: .55rem; margin-right: 1px; border: 1px solid rgba(0, 0, 0, .15); }
.mini { display: flex; gap: 1px; width: 6.6rem; margin-top: .3rem; line-height: 0; }
.mini .sq { flex: 1 1 0; min-width: 2px; max-width: .55rem; margin: 0; box-sizing: border-box; }
.w-PASS { background: #2da44e; } .w-FAIL { background: #cf222e; } .w-FLAKY { background: #d4a72c; } .w-INFRA { background: #bc4c00; } .w-NOT-RUN { background: #eaeef2; }
.w-NA { background: #f6f8fa; }
ol.weather { display: flex; gap: 2px; list-style: none; padding: 0; margin: .5rem 0; }
ol.weather li { flex: 1 1 0; min-width: 0; max-width: 2.8rem; overflow: hidden; text-align: center; font-size: .7rem; padding: .25rem 0; color: #fff; }
ol.weather li.w-NOT-RUN, ol.weather li.w-NA { color: #57606a; }
ol.weather.small { margin: 0; width: 12rem; } ol.weather.small li { max-width: .7rem; height: .7rem; padding: 0; }
.filters { margin: .5rem 0; } .filters label { margin-right: 1rem; font-size: .85rem; }
table.grid a.state.filtered-out { opacity: .15; }
#reasons a { color: inherit; }
.alert { color: #cf222e; font-weight: 600; } table.grid a.state[data-alert] { box-shadow: inset 0 -4px 0 #cf222e; }
table.grid a.state[data-not-judged]::after { content: " †"; font-weight: 400; }
table.grid a.state[data-not-tested-upstream]::before { content: "‡ "; font-weight: 400; }
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
(() => {
  const el = (tag, props, ...children) => {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (key === 'text') node.textContent = value;
      else if (key === 'class') node.className = value;
      else node.setAttribute(key, value);
    }
    for (const child of children) if (child) node.append(child);
    return node;
  };
  const muted = (text) => el('div', { class: 'muted', text });
  const strip = (weathers, nights, runner) => el('ol', { class: 'weather small', 'aria-label': 'the last ' + nights.length + ' night(s), oldest first' },
    ...weathers.map((w, i) => el('li', { class: 'w-' + w.replace('/', ''), 'data-weather': w, title: nights[i] + ': ' + w + ' — ' + runner })));

  function testRow(t, nights) {
    const notes = el('td');
    if (t.error) notes.append(el('details', null, el('summary', { text: 'error' }), el('pre', { text: t.error })));
    if (t.skipReason) notes.append(el('div', { text: 'skipped: ' + t.skipReason }));
    if (t.nonDiscriminating) notes.append(muted('not discriminating: ' + t.nonDiscriminating));
    if (t.signature) notes.append(el('div', { class: 'signature', text: t.signature }));
    if (t.artifacts) notes.append(el('ul', null, ...t.artifacts.map(([href, name]) => el('li', null, el('a', { href, text: name })))));
    return el('tr', { 'data-test': t.id, 'data-outcome': t.outcome },
      el('td', null, el('code', { text: t.id }), muted(t.title + ' [' + t.project + ']')),
      el('td', { class: 'o-' + t.outcome, text: t.outcome }, t.attempts && muted(t.attempts)),
      el('td', { text: t.runner }, muted(t.cellId)),
      el('td', { text: t.duration }),
      el('td', { text: String(t.retries) }),
      el('td', null, t.strip && strip(t.strip, nights, t.runner), muted('as of ' + t.night)),
      notes);
  }

  function environment(env) {
    const facts = el('dl', { class: 'env' });
    for (const [key, value] of env.facts) facts.append(el('dt', { text: key }), el('dd', { text: value }));
    if (!env.facts.length) facts.append(el('dt', { text: 'facts' }), el('dd', { text: 'none captured' }));
    return el('details', { class: 'env' }, el('summary', { text: env.summary }), env.doubles && el('p', { text: 'Test doubles: ' + env.doubles }), facts);
  }

  function drawTests(panel) {
    const holder = panel.querySelector('div.tests[data-source]');
    if (!holder || holder.dataset.drawn) return;
    const data = JSON.parse(document.getElementById(holder.dataset.source).textContent);
    const head = ['Test', 'Outcome', 'Runner / cell', 'Duration', 'Retries', 'Last ' + data.nights.length + ' night(s)', 'Error, reason, artifacts'];
    holder.replaceChildren(
      el('table', { class: 'tests' }, el('thead', null, el('tr', null, ...head.map((text) => el('th', { text })))),
        el('tbody', null, ...data.tests.map((t) => testRow(t, data.nights)))),
      ...data.environments.map(environment));
    holder.dataset.drawn = 'true';
  }

  function open(id) {
    const panel = document.getElementById(id);
    if (!panel || !panel.matches('section.detail')) return;
    for (const other of document.querySelectorAll('section.detail.open')) other.classList.remove('open');
    for (const link of document.querySelectorAll('a.state[aria-expanded="true"]')) link.setAttribute('aria-expanded', 'false');
    drawTests(panel);
    panel.classList.add('open');
    const link = document.querySelector('a.state[href="#' + CSS.escape(id) + '"]');
    if (link) link.setAttribute('aria-expanded', 'true');
  }

  document.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#cell-"]');
    if (link) open(link.getAttribute('href').slice(1));
  });

  // Filters: a platform hides the other columns, a feature the other rows; a state dims the other cells and hides
  // the rows without one.
  const filters = document.getElementById('filters');
  function applyFilters() {
    const wanted = {};
    for (const select of filters.querySelectorAll('select[data-filter]')) wanted[select.dataset.filter] = select.value;
    const grid = document.getElementById('grid');
    for (const node of grid.querySelectorAll('[data-platform]')) node.hidden = !!wanted.platform && node.dataset.platform !== wanted.platform;
    for (const row of grid.querySelectorAll('tbody tr')) {
      let matches = 0;
      for (const cell of row.querySelectorAll('a.state')) {
        const shown = !wanted.platform || cell.dataset.platform === wanted.platform;
        const stateMatch = !wanted.state || cell.dataset.state === wanted.state;
        cell.classList.toggle('filtered-out', !stateMatch);
        if (shown && stateMatch) matches++;
      }
      row.hidden = (!!wanted.feature && row.dataset.feature !== wanted.feature) || matches === 0;
    }
  }
  if (filters) filters.addEventListener('change', applyFilters);
  // Opened by its address (a bookmark, the back button): that cell is drawn too.
  const fromAddress = () => { if (location.hash.length > 1) open(decodeURIComponent(location.hash.slice(1))); };
  window.addEventListener('hashchange', fromAddress);
  fromAddress();
})();
`;
