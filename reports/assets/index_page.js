'use strict';
(function () {
  const data = JSON.parse(document.getElementById('index-data').textContent);
  const app = document.getElementById('app');
  const VERDICT_COLOURS = { 'valid': '#1f8a4c', 'safety-violation': '#c62828', 'unknown': '#b86e00',
    'liveness-failure': '#7b3fb3', 'internal-error': '#555', 'crash': '#333', 'timeout': '#777' };
  const COLUMNS = [
    ['verdict', 'verdict'], ['system', 'system'], ['scenario', 'scenario'], ['seed', 'seed', 'num'],
    ['bug', 'bug'], ['anomaly', 'anomaly'], ['faults', 'faults'], ['ops', 'ops', 'num'],
    ['simulated_ns', 'simulated', 'num'], ['wall_ms', 'wall', 'num'], ['link', 'page']];
  const state = { verdict: '', system: '', bug: '', sort: 'verdict', order: 'asc' };

  const { el, svgEl, add, formatNs } = SimlabDom;
  function bugName(row) { return row.bug || 'none'; }
  // A link the C++ side built: relative or absolute, never with a scheme.
  function safeLink(link) { return typeof link === 'string' && link !== '' && !/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(link) && !link.startsWith('//'); }

  function readHash() {
    const params = new URLSearchParams(location.hash.slice(1));
    for (const key of Object.keys(state)) if (params.has(key)) state[key] = params.get(key);
  }
  function writeHash() {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(state)) if (value) params.set(key, value);
    history.replaceState(null, '', '#' + params.toString());
  }
  function filtered() {
    return data.rows.filter((row) => (!state.verdict || row.verdict === state.verdict) &&
      (!state.system || row.system === state.system) && (!state.bug || bugName(row) === state.bug));
  }
  function compare(a, b) {
    const key = state.sort;
    let x = a[key], y = b[key];
    if (key === 'seed') { x = BigInt(x); y = BigInt(y); }
    if (key === 'faults') { x = x.join(','); y = y.join(','); }
    if (key === 'bug') { x = bugName(a); y = bugName(b); }
    const order = x < y ? -1 : x > y ? 1 : 0;
    return state.order === 'desc' ? -order : order;
  }

  function renderFilters(parent) {
    const box = add(parent, el('div', { class: 'filters' }));
    const choices = (key, values) => {
      const label = add(box, el('label', {}, key + ' '));
      const select = add(label, el('select', { id: 'filter-' + key }));
      add(select, el('option', { value: '' }, 'all'));
      for (const value of [...new Set(values)].sort()) add(select, el('option', { value }, value));
      select.value = state[key];
      select.addEventListener('change', () => { state[key] = select.value; update(); });
    };
    choices('verdict', data.rows.map((r) => r.verdict));
    choices('system', data.rows.map((r) => r.system));
    choices('bug', data.rows.map(bugName));
    add(box, el('span', { id: 'row-count', class: 'muted' }));
  }
  function renderTable(table, rows) {
    table.replaceChildren();
    const head = add(add(table, el('thead')), el('tr'));
    for (const [key, label, cls] of COLUMNS) {
      const th = add(head, el('th', { class: (cls || '') + (state.sort === key ? ' sorted-' + state.order : ''), 'data-key': key }, label));
      if (key === 'link') continue;
      th.addEventListener('click', () => {
        state.order = state.sort === key && state.order === 'asc' ? 'desc' : 'asc';
        state.sort = key;
        update();
      });
    }
    const body = add(table, el('tbody'));
    for (const row of rows.slice(0, data.shown_max)) {
      const tr = add(body, el('tr', { class: 'run', 'data-verdict': row.verdict }));
      const verdict = add(tr, el('td'));
      add(verdict, el('span', { class: 'verdict verdict-' + row.verdict }, row.verdict));
      add(tr, el('td', {}, row.system));
      add(tr, el('td', {}, row.scenario));
      add(tr, el('td', { class: 'num mono' }, row.seed));
      add(tr, el('td', {}, bugName(row)));
      add(tr, el('td', { class: 'wrap', title: row.detail }, row.anomaly));
      add(tr, el('td', { class: 'wrap' }, row.faults.join(', ') || 'none'));
      add(tr, el('td', { class: 'num' }, row.ops));
      add(tr, el('td', { class: 'num' }, formatNs(row.simulated_ns)));
      add(tr, el('td', { class: 'num' }, row.wall_ms.toFixed(0) + ' ms'));
      const cell = add(tr, el('td'));
      if (safeLink(row.link)) add(cell, el('a', { href: row.link }, 'open')); else cell.textContent = '-';
    }
  }
  function countBy(rows, keysOf) {
    const counts = new Map();
    for (const row of rows) {
      for (const key of keysOf(row)) {
        if (!counts.has(key)) counts.set(key, new Map());
        const byVerdict = counts.get(key);
        byVerdict.set(row.verdict, (byVerdict.get(row.verdict) || 0) + 1);
      }
    }
    return [...counts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  }
  function barChart(id, title, groups, verdicts) {
    const rowHeight = 22, left = 170, right = 60, width = 640;
    const height = Math.max(1, groups.length) * rowHeight + 30;
    const root = svgEl('svg', { class: 'chart', id, width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    root.appendChild(svgEl('title', {}, title));
    const max = Math.max(1, ...groups.map(([, m]) => [...m.values()].reduce((s, v) => s + v, 0)));
    groups.forEach(([name, byVerdict], i) => {
      const y = 8 + i * rowHeight;
      root.appendChild(svgEl('text', { x: 6, y: y + 14, class: 'lane-label' }, name.length > 26 ? name.slice(0, 25) + '\u2026' : name));
      let x = left, total = 0;
      for (const verdict of verdicts) {
        const count = byVerdict.get(verdict) || 0;
        if (!count) continue;
        const w = count / max * (width - left - right);
        const bar = root.appendChild(svgEl('rect', { x, y: y + 2, width: Math.max(1, w), height: rowHeight - 6, fill: VERDICT_COLOURS[verdict] || '#999', class: 'bar' }));
        bar.appendChild(svgEl('title', {}, name + ': ' + count + ' ' + verdict));
        x += w;
        total += count;
      }
      root.appendChild(svgEl('text', { x: x + 6, y: y + 14 }, String(total)));
    });
    return root;
  }
  function renderCharts(box, rows) {
    box.replaceChildren();
    const verdicts = [...new Set(data.rows.map((r) => r.verdict))].sort();
    const legend = add(box, el('div', { class: 'legend' }));
    for (const verdict of verdicts) {
      const item = add(legend, el('span'));
      add(item, el('span', { class: 'swatch', style: 'background:' + (VERDICT_COLOURS[verdict] || '#999') }));
      item.appendChild(document.createTextNode(verdict));
    }
    const grid = add(box, el('div', { class: 'charts' }));
    const left = add(grid, el('div'));
    add(left, el('h3', {}, 'Verdicts per fault kind'));
    left.appendChild(barChart('by-fault', 'runs per fault kind, by verdict', countBy(rows, (r) => (r.faults.length ? r.faults : ['no faults'])), verdicts));
    const right = add(grid, el('div'));
    add(right, el('h3', {}, 'Verdicts per planted bug'));
    right.appendChild(barChart('by-bug', 'runs per planted bug, by verdict', countBy(rows, (r) => [bugName(r)]), verdicts));
  }

  let table, charts;
  function update() {
    writeHash();
    const rows = filtered().sort(compare);
    renderTable(table, rows);
    renderCharts(charts, rows);
    document.getElementById('row-count').textContent = rows.length + ' of ' + data.rows.length + ' runs' +
      (rows.length > data.shown_max ? '; the table shows the first ' + data.shown_max + ', narrow the filter for the rest' : '');
  }
  readHash();
  const header = add(app, el('header'));
  add(header, el('h1', {}, 'simlab runs'));
  add(header, el('p', { class: 'subtitle' }, data.rows.length + ' runs from ' + data.source));
  add(app, el('h2', {}, 'Summary'));
  charts = add(app, el('section', { id: 'charts' }));
  add(app, el('h2', {}, 'Runs'));
  renderFilters(app);
  table = add(app, el('table', { id: 'runs' }));
  update();
  document.body.setAttribute('data-rendered', 'index');
})();
