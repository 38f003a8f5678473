'use strict';
(function () {
  const data = JSON.parse(document.getElementById('run-data').textContent);
  const app = document.getElementById('app');
  const COLOURS = { ok: '#2f9e57', fail: '#d64545', info: '#e39b26', pending: '#e39b26' };
  const FAULT_COLOURS = ['#d64545', '#7b3fb3', '#1565c0', '#00897b', '#b86e00', '#6d4c41', '#c2185b', '#546e7a'];

  const { el, svgEl, add, formatNs } = SimlabDom;
  // A history without real time (a Jepsen log) has positions for times: say so instead of nanoseconds.
  const byPosition = data.time_unit === 'position';
  const at = (t) => (byPosition ? 'position ' + Math.round(t) : formatNs(t - data.start_ns));
  const duration = (d) => (byPosition ? Math.round(d) + ' positions' : formatNs(d));

  function faultColour(kind) {
    let hash = 0;
    for (const c of kind) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
    return FAULT_COLOURS[hash % FAULT_COLOURS.length];
  }
  function opText(op) {
    const [index, process, , , outcome, f, key, value, result] = op;
    let text = '#' + index + ' process ' + process + ' ' + f;
    if (key !== null) text += ' key ' + key;
    if (value !== 'nil') text += ' ' + value;
    text += ' \u2192 ' + outcome;
    if (result !== null && result !== value) text += ' ' + result;
    return text;
  }
  function latencyText(op) {
    const [, , start, end, outcome] = op;
    if (outcome === 'info') return 'no reply after ' + duration(end - start) + ' (may or may not have happened)';
    if (outcome === 'pending') return 'never completed';
    return 'latency ' + duration(end - start);
  }

  // -- header ----------------------------------------------------------------
  function renderHeader() {
    const h = data.header;
    const top = add(app, el('header'));
    add(top, el('h1', {}, h.title));
    add(top, el('span', { class: 'verdict verdict-' + h.verdict, id: 'verdict' }, h.verdict));
    if (h.anomaly) add(top, el('span', { class: 'muted' }, '  ' + h.anomaly));
    if (h.detail) add(top, el('p', { class: 'subtitle' }, h.detail));
    const facts = add(top, el('div', { class: 'facts' }));
    const fact = (label, value) => {
      if (value === undefined || value === null || value === '' || value === -1) return;
      const box = add(facts, el('div', { class: 'fact' }));
      add(box, el('span', { class: 'label' }, label));
      add(box, el('span', { class: label === 'trace hash' ? 'mono' : '' }, value));
    };
    fact('system', h.system); fact('scenario', h.scenario); fact('workload', h.workload);
    fact('consistency model', h.model); fact('seed', h.seed);
    fact('planted bug', h.system ? (h.bug || 'none') : h.bug);
    fact('trace hash', h.trace_hash);
    fact('ops', data.ops_total + (data.sample.sampled ? ' (' + data.sample.kept + ' drawn)' : ''));
    fact('simulated time', h.simulated_ns >= 0 ? formatNs(h.simulated_ns) : '');
    fact('wall time', h.wall_ms >= 0 ? h.wall_ms.toFixed(1) + ' ms' : '');
    fact('faults', data.faults.length ? String(data.faults.length) : (h.system ? 'none' : ''));
    if (h.judges.length) {
      fact('judges', h.judges.join(', '));
      fact('caught by', h.caught_by.length ? h.caught_by.join(', ') : 'none');
    }
    if (h.white_box) add(top, el('p', { class: 'subtitle', id: 'white-box' }, 'white-box judge: ' + h.white_box));
    if (!h.commands.length) return;
    const commands = add(top, el('div', { class: 'commands' }));
    for (const command of h.commands) {
      const box = add(commands, el('div', { class: 'command' }));
      const code = add(box, el('code', {}, command));
      const button = add(box, el('button', { type: 'button', title: 'copy to the clipboard' }, 'copy'));
      button.addEventListener('click', () => copyText(command, code, button));
    }
  }
  function copyText(text, code, button) {
    const done = () => { button.textContent = 'copied'; setTimeout(() => { button.textContent = 'copy'; }, 1500); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, () => selectText(code));
    } else {
      selectText(code);
    }
  }
  function selectText(node) {
    const range = document.createRange();
    range.selectNodeContents(node);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  // -- explanation -----------------------------------------------------------
  const highlights = new Map();  // invoke index -> 'blocked' | 'prefix' | 'concurrent' | 'span'
  function collectHighlights(x) {
    // A span names a value: the ops that wrote or saw it are the ones to look at.
    const spanValues = new Set((x.spans || []).map((span) => span.value));
    for (const op of data.ops) if (spanValues.has(op[7]) || spanValues.has(op[8])) highlights.set(op[0], 'span');
    for (const span of x.spans || []) for (const index of span.ops) highlights.set(index, 'span');
    for (const op of x.concurrent || []) highlights.set(op.index, 'concurrent');
    for (const op of x.prefix_tail || []) highlights.set(op.index, 'prefix');
    if (x.blocked) highlights.set(x.blocked.index, 'blocked');
    for (const index of x.named || []) highlights.set(index, 'anomaly');
  }
  function renderExplanation() {
    const x = data.explanation;
    collectHighlights(x);
    add(app, el('h2', {}, 'Why: ' + (listsAnomalies(x) ? queueTitle(x) : ({
                            linearizability: 'not linearizable',
                            invariant: 'an invariant broke',
                            unknown: 'the checker gave up',
                            liveness: 'no progress after healing',
                            internal: 'the lab failed',
                            none: 'the verdict'
                          })[x.kind])));
    const box = add(app, el('section', { class: 'why kind-' + x.kind, id: 'explanation' }));
    add(box, el('div', { class: 'reason' }, x.reason || (x.kind === 'none' ? 'The history satisfies the model; no invariant broke.' : '(no reason given)')));
    const list = add(box, el('dl'));
    const row = (label, content) => {
      add(list, el('dt', {}, label));
      const dd = add(list, el('dd'));
      if (content instanceof Node) dd.appendChild(content); else dd.textContent = String(content);
    };
    if (x.kind === 'invariant' && x.anomaly) row('invariant', x.anomaly);
    if (x.kind === 'unknown' && x.anomaly) row('checker', x.anomaly);
    if (x.node !== undefined) row('node', 'n' + x.node);
    if (x.time_ns !== undefined) row('time', at(x.time_ns) + ' (marked on the timeline)');
    if (x.key !== undefined) row('key', x.key);
    if (x.blocked) row('cannot place', opLinks([x.blocked], 'blocked'));
    if (x.kind === 'linearizability' && (x.blocked || x.prefix_length > 0)) {
      row('longest linearizable prefix', x.prefix_length + (x.prefix_length === 1 ? ' op' : ' ops') + (x.prefix_tail.length ? ', ending with:' : ''));
      if (x.prefix_tail.length) row('', opLinks(x.prefix_tail, 'prefix'));
    }
    if (x.state !== undefined) row('model state after the prefix', x.state);
    if (x.concurrent && x.concurrent.length) row('concurrent with it', opLinks(x.concurrent, 'concurrent'));
    if (listsAnomalies(x)) queueRows(x, row);
    for (const span of x.spans || []) {
      const link = el('span', { class: 'oplink' }, 'value ' + span.value + ': history positions ' + span.from_index +
        '\u2013' + span.to_index + ' (' + at(span.from_ns) + ' to ' + at(span.to_ns) + ')');
      link.addEventListener('click', () => timeline.zoomTo(span.from_ns, span.to_ns));
      row('must hold', link);
    }
  }
  function opLinks(ops, role) {
    const box = el('div');
    for (const op of ops) {
      const link = add(box, el('span', { class: 'oplink ' + role, 'data-op': op.index }, op.text));
      link.addEventListener('click', () => timeline.zoomToOp(op.index));
    }
    return box;
  }

  // -- a queue finding: the log's lanes ---------------------------------------
  // Each key the anomalies name is a lane of offset cells, read left to right
  // as a person reads a log; a cell holds the value(s) sends and polls put
  // there, and the anomalies mark it.
  const QUEUE_MARKS = {
    'inconsistent-offsets':
        {colour: '#c62828', fill: '#fde2e2', badge: '2 values', words: 'two values at one offset'},
    'lost-write': {
      colour: '#7b3fb3',
      fill: '#eee2f7',
      badge: 'lost',
      words: 'an acknowledged write no poll saw'
    },
    'duplicate':
        {colour: '#1565c0', fill: '#e1ecfa', badge: 'dup', words: 'one value at two offsets'},
    'G1a': {
      colour: '#b86e00',
      fill: '#fdf0dc',
      badge: 'aborted',
      words: 'a poll read a send that failed'
    },
    'nonmonotonic-send':
        {colour: '#b86e00', fill: '#fdf0dc', badge: 'order', words: 'a process\'s sends went back'},
    'nonmonotonic-poll':
        {colour: '#b86e00', fill: '#fdf0dc', badge: 'order', words: 'a process\'s polls went back'},
    'poll-skip': {
      colour: '#b86e00',
      fill: '#fdf0dc',
      badge: 'skip',
      words: 'a poll skipped offsets the log holds'
    },
  };
  const OTHER_MARK = {
    colour: '#b86e00',
    fill: '#fdf0dc',
    badge: '!',
    words: ''
  };
  const CELL_STATES = {
    read: {fill: '#e3f4e9', stroke: '#8fc2a0', words: 'written and read'},
    written: {fill: '#fff3d6', stroke: '#e0b85c', words: 'acknowledged, no poll read it'},
    polled: {fill: '#eaf0f6', stroke: '#9fb3c8', words: 'read, no acknowledged send wrote it'},
    empty: {fill: '#ffffff', stroke: '#c5ccd3', words: 'no send or poll saw this offset'},
  };
  // The eventual-consistency checkers' anomalies (checkers/set, checkers/counter).
  const eventualMark = (words) => ({colour: '#c0392b', fill: '#fbe3e0', badge: '!', words});
  const EVENTUAL_MARKS = {
    'lost': eventualMark('an element was known, then missing from the latest reads'),
    'duplicated': eventualMark('a read held an element twice'),
    'unexpected': eventualMark('a read held an element nobody added'),
    'wrong-final-read': eventualMark('a final read is not the acknowledged sum plus unknown adds'),
    'impossible-read': eventualMark('no subset of the adds invoked by then sums to the read'),
    'missing-own-add': eventualMark('a read left out its own acknowledged add'),
  };
  const markOf = (name) => QUEUE_MARKS[name] || EVENTUAL_MARKS[name] || OTHER_MARK;
  const opsByIndex = new Map(data.ops.map((op) => [op[0], op]));
  const opNamed = (index) =>
      ({index, text: opsByIndex.has(index) ? opText(opsByIndex.get(index)) : '#' + index});
  const countsText = (counts) =>
      Object.entries(counts || {}).map(([name, n]) => n + ' ' + name).join(', ');
  // The queue checker's findings, and the eventual-consistency checkers'
  // (set-full, the counters): a list of named anomalies with their ops.
  function listsAnomalies(x) {
    return x.kind === 'queue' || x.kind === 'anomalies';
  }
  function queueTitle(x) {
    const words = x.first && markOf(x.first).words;
    return x.first ? 'the history shows ' + x.first + (words ? ' (' + words + ')' : '') :
                     'the queue checker found anomalies';
  }
  function queueRows(x, row) {
    row('anomalies', countsText(x.counts));
    if (x.named.length) row('the finding\'s ops', opLinks(x.named.map(opNamed), 'blocked'));
    if (!x.anomalies.length) return;
    // A few examples in view, the rest a click away.
    const shown = 5, list = el('div');
    let parent = list;
    x.anomalies.forEach((anomaly, i) => {
      if (i === shown)
        parent = add(add(list, el('details', {id: 'more-examples'})),
                     el('summary', {}, (x.anomalies.length - shown) + ' more examples'))
                     .parentNode;
      const link = add(parent, el('span', {class: 'oplink'}, anomaly.name + ': ' + anomaly.detail));
      link.addEventListener('click', () => timeline.zoomToOps(anomaly.ops));
    });
    const more = (x.cut && x.cut.anomalies) || 0;
    if (more)
      add(list, el('span', {class: 'muted'}, '(and ' + more + ' more the page does not list)'));
    row('examples', list);
  }
  function cellState(cell) {
    if (!cell.values.length) return 'empty';
    if (!cell.reads.length) return 'written';
    return cell.writes.length ? 'read' : 'polled';
  }
  function accessText(access) {
    return '#' + access.op + ' process ' + access.process + (access.final ? ', final drain' : '') +
        ' (' + access.value + ')';
  }
  function cellTitle(lane, cell) {
    const lines = ['key ' + lane.key + ' offset ' + cell.offset];
    if (!cell.values.length)
      lines.push(CELL_STATES.empty.words);
    else
      lines.push((cell.values.length > 1 ? 'values: ' : 'value: ') + cell.values.join(', '));
    if (cell.writes.length) lines.push('written by ' + cell.writes.map(accessText).join('; '));
    if (cell.reads.length) lines.push('read by ' + cell.reads.map(accessText).join('; '));
    if (cell['left-out']) lines.push('and ' + cell['left-out'] + ' more ops');
    for (const name of cell.marks)
      lines.push(name + (markOf(name).words ? ': ' + markOf(name).words : ''));
    return lines.join('\n');
  }
  function clip(text, chars) {
    return text.length > chars ? text.slice(0, chars - 1) + '\u2026' : text;
  }
  function drawLane(lane, width) {
    const cellWidth = 58, cellHeight = 42, gap = 3, gutter = 82;
    const perRow = Math.max(8, Math.floor((width - gutter - 10) / (cellWidth + gap)));
    const rows = Math.max(1, Math.ceil(lane.cells.length / perRow));
    const svgWidth =
        gutter + Math.min(perRow, Math.max(1, lane.cells.length)) * (cellWidth + gap) + 10;
    const height = rows * (cellHeight + gap) + 8;
    const root = svgEl('svg', {
      class: 'chart lane',
      'data-key': lane.key,
      width: svgWidth,
      height,
      viewBox: '0 0 ' + svgWidth + ' ' + height,
      role: 'img'
    });
    root.appendChild(svgEl('title', {}, 'key ' + lane.key + ': one cell per offset'));
    lane.cells.forEach((cell, i) => {
      const x = gutter + (i % perRow) * (cellWidth + gap),
            y = 4 + Math.floor(i / perRow) * (cellHeight + gap);
      if (i % perRow === 0)
        root.appendChild(svgEl(
            'text', {x: 4, y: y + cellHeight / 2 + 4, class: 'lane-label'},
            'offset ' + cell.offset));
      const state = cellState(cell), mark = cell.marks.length ? markOf(cell.marks[0]) : null;
      const classes = ['lane-cell', 'state-' + state].concat(
          cell.marks.length ? ['marked'] : [], cell.marks.map((name) => 'mark-' + name));
      const group =
          root.appendChild(svgEl('g', {class: classes.join(' '), 'data-offset': cell.offset}));
      group.appendChild(svgEl('title', {}, cellTitle(lane, cell)));
      group.appendChild(svgEl('rect', {
        x,
        y,
        width: cellWidth,
        height: cellHeight,
        rx: 3,
        fill: mark ? mark.fill : CELL_STATES[state].fill,
        stroke: mark ? mark.colour : CELL_STATES[state].stroke,
        'stroke-width': mark ? 2.5 : 1,
        'stroke-dasharray': state === 'empty' ? '3 2' : ''
      }));
      group.appendChild(svgEl('text', {x: x + 4, y: y + 11, class: 'cell-offset'}, cell.offset));
      if (cell.values.length)
        group.appendChild(svgEl(
            'text', {x: x + cellWidth / 2, y: y + 26, 'text-anchor': 'middle', class: 'cell-value'},
            clip(cell.values.join('/'), 8)));
      if (mark)
        group.appendChild(svgEl(
            'text', {
              x: x + cellWidth / 2,
              y: y + 38,
              'text-anchor': 'middle',
              class: 'cell-badge',
              style: 'fill:' + mark.colour
            },
            mark.badge));
      const ops = cell.writes.concat(cell.reads).map((access) => access.op);
      if (ops.length) group.addEventListener('click', () => timeline.zoomToOps(ops));
    });
    return root;
  }
  function laneTitle(lane) {
    let text = 'key ' + lane.key + ': ';
    if (!lane.end) return text + 'no offset of it was seen';
    text += 'offsets ' + lane.from + '\u2013' + (lane.to - 1);
    if (lane.cut) {
      text += ' of 0\u2013' + (lane.end - 1) + ', a window around its first anomaly';
      if (lane['marked-outside'])
        text += ' (' + lane['marked-outside'] + ' marked offsets outside it)';
    }
    const marked = countsText(lane.marked);
    return text + (marked ? '; marked offsets: ' + marked : '');
  }
  function laneLegend(x) {
    const legend = el('div', {class: 'legend lane-legend', id: 'lane-legend'});
    const item = (fill, stroke, text, dashed) => {
      const entry = add(legend, el('span'));
      add(entry, el('span', {
            class: 'swatch',
            style:
                'background:' + fill + ';border:' + (dashed ? '1px dashed ' : '2px solid ') + stroke
          }));
      entry.appendChild(document.createTextNode(text));
    };
    for (const state of Object.values(CELL_STATES))
      item(state.fill, state.stroke, state.words, state === CELL_STATES.empty);
    const names = new Set(Object.keys(x.counts || {}));
    for (const lane of x.lanes)
      for (const name of Object.keys(lane.marked || {})) names.add(name);
    for (const name of names)
      item(
          markOf(name).fill, markOf(name).colour,
          name + (markOf(name).words ? ': ' + markOf(name).words : ''));
    return legend;
  }
  function renderQueueLanes() {
    const x = data.explanation;
    if (x.kind !== 'queue' || !x.lanes.length) return;
    add(app, el('h2', {}, 'The log, offset by offset'));
    const box = add(app, el('section', {class: 'lanes', id: 'lanes'}));
    const first = x.anomalies.length ? x.anomalies[0] : null;
    add(box,
        el('p', {class: 'reason', id: 'lanes-detail'},
           first ? first.name + ': ' + first.detail : x.reason));
    add(box,
        el('p', {class: 'muted'},
           'One lane per key (partition) the anomalies name, one cell per offset: the value(s) sends and polls put there. ' +
               'Hover a cell for the ops that wrote and read it; click it to find them on the timeline.'));
    add(box, laneLegend(x));
    const width =
        Math.max(600, (box.clientWidth || 1200) - 30);  // inside the padding and the border
    for (const lane of x.lanes) {
      add(box, el('p', {class: 'lane-title'}, laneTitle(lane)));
      add(add(box, el('div', {class: 'lane-box'})), drawLane(lane, width));
      for (const anomaly of lane.unplaced || []) {
        add(box,
            el('p', {class: 'muted unplaced'},
               'not on the lane (no offset known): ' + anomaly.name + ': ' + anomaly.detail));
      }
    }
    if (x.cut && x.cut.keys) {
      add(box,
          el('p', {class: 'note', id: 'lanes-cut'},
             x.cut.keys + (x.cut.keys === 1 ? ' more key' : ' more keys') +
                 ' with anomalies not drawn (the page draws ' + x.lanes.length + ').'));
    }
  }

  // -- timeline --------------------------------------------------------------
  const timeline = (function () {
    // A process that starts after another one finished (a client whose op ended in info never
    // invokes again; a fresh process takes its place) reuses that lane, as Jepsen's threads do.
    const laneOf = new Map(), laneProcesses = [];
    (function packLanes() {
      const spans = new Map();  // process -> [first start, last end]
      for (const [, process, start, end] of data.ops) {
        const stop = end >= 0 ? end : data.end_ns;
        const span = spans.get(process);
        if (span) { span[0] = Math.min(span[0], start); span[1] = Math.max(span[1], stop); } else spans.set(process, [start, stop]);
      }
      const freeAt = [];
      for (const [process, [first, last]] of [...spans.entries()].sort((a, b) => a[1][0] - b[1][0] || a[0] - b[0])) {
        let lane = freeAt.findIndex((t) => t < first);
        if (lane < 0) { lane = freeAt.length; laneProcesses.push([]); }
        freeAt[lane] = last;
        laneOf.set(process, lane);
        laneProcesses[lane].push(process);
      }
    })();
    const laneCount = Math.max(1, laneProcesses.length);
    const laneHeight = laneCount <= 24 ? 20 : Math.max(4, Math.floor(520 / laneCount));
    const faultNodes = [];
    for (const fault of data.faults) {
      const names = fault.nodes.length ? fault.nodes.map((n) => 'n' + n) : ['cluster'];
      for (const name of names) if (!faultNodes.includes(name)) faultNodes.push(name);
    }
    faultNodes.sort();
    const gutter = 74, axisHeight = 24, faultRow = 14;
    const faultHeight = faultNodes.length ? faultNodes.length * faultRow + 10 : 0;
    const height = axisHeight + faultHeight + laneCount * laneHeight + 8;
    const byIndex = new Map(data.ops.map((op) => [op[0], op]));
    let view = [data.start_ns, data.end_ns];
    let container, svgNode;

    function render() {
      const width = Math.max(600, container.clientWidth || 1200);
      const [v0, v1] = view;
      const x = (t) => gutter + (t - v0) / (v1 - v0) * (width - gutter - 10);
      const clampX = (t) => Math.max(gutter, Math.min(width - 10, x(t)));
      svgNode = svgEl('svg', { class: 'chart', id: 'timeline', width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
      svgNode.appendChild(svgEl('title', {}, 'timeline: one lane per process, one bar per op'));
      drawAxis(svgNode, x, width, v0, v1);
      drawFaults(svgNode, clampX, width);
      drawLanes(svgNode, width);
      drawSpans(svgNode, clampX);
      drawOps(svgNode, x, clampX, v0, v1);
      drawMarkers(svgNode, x, v0, v1);
      container.replaceChildren(svgNode);
      document.getElementById('timeline-window').textContent = at(v0) + ' \u2013 ' + at(v1);
    }
    function ticks(v0, v1, count) {
      const raw = (v1 - v0) / count, power = Math.pow(10, Math.floor(Math.log10(raw)));
      const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) || raw;
      const out = [];
      for (let t = Math.ceil(v0 / step) * step; t <= v1; t += step) out.push(t);
      return out;
    }
    function drawAxis(root, x, width, v0, v1) {
      for (const t of ticks(v0, v1, Math.max(2, Math.floor(width / 140)))) {
        root.appendChild(svgEl('line', { x1: x(t), x2: x(t), y1: axisHeight - 4, y2: height, stroke: '#eef1f4' }));
        root.appendChild(svgEl('text', { x: x(t) + 2, y: axisHeight - 8 }, at(t)));
      }
    }
    function drawFaults(root, clampX, width) {
      faultNodes.forEach((name, row) => {
        root.appendChild(svgEl('text', { x: 4, y: axisHeight + row * faultRow + 10, class: 'lane-label' }, 'fault ' + name));
      });
      const lanesTop = axisHeight + faultHeight;
      for (const fault of data.faults) {
        const x0 = clampX(fault.start_ns), x1 = clampX(fault.end_ns);
        if (x1 <= gutter || x0 >= width - 10) continue;
        const colour = faultColour(fault.kind);
        const label = fault.kind + ': ' + fault.detail + '\n' + at(fault.start_ns) + ' to ' + at(fault.end_ns);
        const shade = root.appendChild(svgEl('rect', { x: x0, y: lanesTop, width: Math.max(1, x1 - x0), height: height - lanesTop, fill: colour, 'fill-opacity': 0.07 }));
        shade.appendChild(svgEl('title', {}, label));
        for (const name of fault.nodes.length ? fault.nodes.map((n) => 'n' + n) : ['cluster']) {
          const row = faultNodes.indexOf(name);
          const band = root.appendChild(svgEl('rect', { class: 'fault-band', x: x0, y: axisHeight + row * faultRow + 2, width: Math.max(2, x1 - x0), height: faultRow - 4, rx: 2, fill: colour, 'fill-opacity': 0.75, 'data-kind': fault.kind }));
          band.appendChild(svgEl('title', {}, label));
        }
      }
    }
    function drawLanes(root, width) {
      const top = axisHeight + faultHeight;
      laneProcesses.forEach((processes, i) => {
        if (i % 2 === 1) root.appendChild(svgEl('rect', { x: gutter, y: top + i * laneHeight, width: width - gutter - 10, height: laneHeight, fill: '#000', 'fill-opacity': 0.025 }));
        if (laneHeight >= 10 || i % Math.ceil(10 / laneHeight) === 0) {
          const label = processes.length === 1 ? 'process ' + processes[0]
            : 'p' + processes[0] + ', p' + processes[1] + (processes.length > 2 ? ' +' + (processes.length - 2) : '');
          const text = root.appendChild(svgEl('text', { x: 4, y: top + i * laneHeight + Math.min(laneHeight, 14) - 3, class: 'lane-label' }, label));
          if (processes.length > 1) text.appendChild(svgEl('title', {}, 'processes ' + processes.slice(0, 40).join(', ') + (processes.length > 40 ? ', ...' : '')));
        }
      });
    }
    function drawSpans(root, clampX) {
      const top = axisHeight + faultHeight;
      for (const span of data.explanation.spans || []) {
        const x0 = clampX(span.from_ns), x1 = clampX(span.to_ns);
        const rect = root.appendChild(svgEl('rect', { class: 'explanation-span', x: x0, y: top, width: Math.max(2, x1 - x0), height: height - top, fill: '#1565c0', 'fill-opacity': 0.08, stroke: '#1565c0', 'stroke-dasharray': '4 3' }));
        rect.appendChild(svgEl('title', {}, 'value ' + span.value + ' must hold from position ' + span.from_index + ' to ' + span.to_index));
      }
    }
    function drawOps(root, x, clampX, v0, v1) {
      const top = axisHeight + faultHeight, barHeight = Math.max(2, laneHeight - 6);
      const group = root.appendChild(svgEl('g', { id: 'ops' }));
      for (const op of data.ops) {
        const [index, process, start, end, outcome] = op;
        const stop = end < 0 || outcome === 'info' ? data.end_ns : end;
        if (stop < v0 || start > v1) continue;
        const x0 = clampX(start), x1 = clampX(stop);
        const role = highlights.get(index);
        const attrs = { class: 'op op-' + outcome, x: x0, y: top + laneOf.get(process) * laneHeight + (laneHeight - barHeight) / 2,
          width: Math.max(1.5, x1 - x0), height: barHeight, rx: Math.min(3, barHeight / 3), fill: COLOURS[outcome], 'data-op': index };
        if (outcome === 'info' || outcome === 'pending') attrs['fill-opacity'] = 0.55;
        const strong = role === 'blocked' || role === 'anomaly';
        if (role)
          Object.assign(attrs, {
            stroke: strong            ? '#7f0000' :
                role === 'concurrent' ? '#7b3fb3' :
                                        '#1565c0',
            'stroke-width': strong ? 3 : 2,
            class: attrs.class + ' highlight highlight-' + role
          });
        if (outcome === 'info' && end >= 0 && end < stop) {
          // Solid while the client waited, faint from when it gave up: the op may still take effect.
          attrs.width = Math.max(1.5, clampX(end) - x0);
          attrs['fill-opacity'] = 0.9;
          // Thin, so the ops of the next process in this lane stay readable over it.
          const tail = Math.max(2, barHeight / 3);
          group.appendChild(svgEl('rect', { class: 'op-info-tail', x: x0 + attrs.width, y: attrs.y + (barHeight - tail) / 2, width: Math.max(0, x1 - x0 - attrs.width),
            height: tail, fill: COLOURS.info, 'fill-opacity': 0.35 }));
        }
        const rect = group.appendChild(svgEl('rect', attrs));
        rect.appendChild(svgEl('title', {}, opText(op) + '\n' + latencyText(op) + (role ? '\n(' + role + ' in the explanation)' : '')));
      }
    }
    function drawMarkers(root, x, v0, v1) {
      const marks = [];
      if (data.header.heal_ns > 0) marks.push([data.header.heal_ns, 'heal', '#555', '5 4']);
      if (data.explanation.time_ns !== undefined) marks.push([data.explanation.time_ns, 'failure', '#c62828', '']);
      const blocked = data.explanation.blocked && byIndex.get(data.explanation.blocked.index);
      if (blocked) marks.push([blocked[2], 'cannot place', '#c62828', '']);
      for (const [t, label, colour, dash] of marks) {
        if (t < v0 || t > v1) continue;
        root.appendChild(svgEl('line', { class: 'marker', x1: x(t), x2: x(t), y1: axisHeight - 4, y2: height, stroke: colour, 'stroke-width': 1.5, 'stroke-dasharray': dash }));
        root.appendChild(svgEl('text', { x: x(t) + 3, y: height - 4, style: 'fill:' + colour + ';font-weight:600' }, label));
      }
    }
    function zoomTo(t0, t1, scroll = true) {
      const pad = Math.max((t1 - t0) * 0.15, (data.end_ns - data.start_ns) / 200, 1);
      view = [Math.max(data.start_ns, t0 - pad), Math.min(data.end_ns, t1 + pad)];
      if (view[1] <= view[0]) view = [data.start_ns, data.end_ns];
      render();
      if (scroll) container.scrollIntoView({ block: 'nearest' });
    }
    function zoomToOp(index) {
      const op = byIndex.get(index);
      if (!op) return;
      const end = op[3] >= 0 ? op[3] : op[2], margin = Math.max(end - op[2], (data.end_ns - data.start_ns) / 50);
      zoomTo(op[2] - margin, end + margin);
    }
    function zoomToOps(indices) {
      const times = [];
      for (const index of indices) {
        const op = byIndex.get(index);
        if (op) times.push(op[2], op[3] >= 0 ? op[3] : op[2]);
      }
      if (times.length) zoomTo(Math.min(...times), Math.max(...times));
    }
    function zoomBy(factor, centre) {
      const [v0, v1] = view, span = Math.max(1, (v1 - v0) * factor);
      const c = centre === undefined ? (v0 + v1) / 2 : centre;
      let a = c - (c - v0) * factor, b = a + span;
      if (a < data.start_ns) { b += data.start_ns - a; a = data.start_ns; }
      if (b > data.end_ns) { a -= b - data.end_ns; b = data.end_ns; }
      view = [Math.max(data.start_ns, a), Math.min(data.end_ns, b)];
      render();
    }
    // The ops the explanation names (and its spans and time) with a margin: the context a person needs.
    function failureWindow() {
      const x = data.explanation;
      const times = [];
      for (const index of highlights.keys()) {
        const op = byIndex.get(index);
        if (op) times.push(op[2], op[3] >= 0 ? op[3] : op[2]);
      }
      for (const span of x.spans || []) times.push(span.from_ns, span.to_ns);
      if (x.time_ns !== undefined) times.push(x.time_ns);
      if (!times.length) return null;
      return [Math.min(...times), Math.max(...times)];
    }
    function mount() {
      add(app, el('h2', {}, 'Timeline'));
      const bar = add(app, el('div', { class: 'toolbar' }));
      const button = (label, action) => add(bar, el('button', { type: 'button' }, label)).addEventListener('click', action);
      button('whole run', () => { view = [data.start_ns, data.end_ns]; render(); });
      const failure = failureWindow();
      if (failure) button('zoom to the failure', () => zoomTo(failure[0], failure[1]));
      button('zoom in', () => zoomBy(0.5));
      button('zoom out', () => zoomBy(2));
      add(bar, el('span', { id: 'timeline-window', class: 'mono' }));
      const legend = add(bar, el('span', { class: 'legend' }));
      for (const [name, label] of [['ok', 'ok'], ['fail', 'fail (did not happen)'], ['info', 'info (no reply; faint: may still take effect)']]) {
        const item = add(legend, el('span'));
        add(item, el('span', { class: 'swatch', style: 'background:' + COLOURS[name] + (name === 'info' ? ';opacity:.6' : '') }));
        item.appendChild(document.createTextNode(label));
      }
      add(app, el('p', { class: 'muted' }, 'Wheel to zoom, drag to pan; hover an op for its value and latency. Shaded periods are faults.'));
      if (data.sample.sampled) {
        add(app, el('p', { class: 'note', id: 'sampling-note' }, 'This run has ' + data.ops_total + ' ops; the timeline draws ' + data.sample.kept +
          ' of them: every fail, info and pending op, the ops the explanation names, the ' + 'ops around the failure, and one in ' +
          data.sample.every + ' of the rest. The throughput chart counts every op.'));
      }
      container = add(app, el('div', { id: 'timeline-box' }));
      listen();
      if (failure) zoomTo(failure[0], failure[1], false); else render();
    }
    function listen() {
      container.addEventListener('wheel', (event) => {
        event.preventDefault();
        const box = container.getBoundingClientRect(), width = box.width - gutter - 10;
        const t = view[0] + (event.clientX - box.left - gutter) / width * (view[1] - view[0]);
        zoomBy(event.deltaY < 0 ? 0.7 : 1 / 0.7, Math.max(view[0], Math.min(view[1], t)));
      }, { passive: false });
      let drag = null;
      container.addEventListener('mousedown', (event) => { drag = { x: event.clientX, view: view.slice() }; });
      window.addEventListener('mouseup', () => { drag = null; });
      window.addEventListener('mousemove', (event) => {
        if (!drag) return;
        const width = container.getBoundingClientRect().width - gutter - 10;
        let shift = -(event.clientX - drag.x) / width * (drag.view[1] - drag.view[0]);
        shift = Math.max(data.start_ns - drag.view[0], Math.min(data.end_ns - drag.view[1], shift));
        view = [drag.view[0] + shift, drag.view[1] + shift];
        render();
      });
    }
    return {mount, zoomTo, zoomToOp, zoomToOps};
  })();

  // -- latency and throughput ------------------------------------------------
  function chartFrame(id, title, width, height) {
    const root = svgEl('svg', { class: 'chart', id, width, height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    root.appendChild(svgEl('title', {}, title));
    return root;
  }
  function shadeFaults(root, x, top, bottom) {
    for (const fault of data.faults) {
      const rect = root.appendChild(svgEl('rect', { class: 'fault-shade', x: x(fault.start_ns), y: top, width: Math.max(1, x(fault.end_ns) - x(fault.start_ns)), height: bottom - top, fill: faultColour(fault.kind), 'fill-opacity': 0.09 }));
      rect.appendChild(svgEl('title', {}, fault.kind + ': ' + fault.detail));
    }
  }
  function timeAxis(root, x, bottom, width) {
    const span = data.end_ns - data.start_ns;
    for (let i = 0; i <= 5; i++) {
      const t = data.start_ns + span * i / 5;
      root.appendChild(svgEl('text', { x: Math.min(x(t), width - 70), y: bottom + 14 }, at(t)));
    }
  }
  function renderLatency(parent, width) {
    const height = 260, left = 58, right = 10, top = 10, bottom = height - 24;
    const root = chartFrame('latency', 'latency of each completed op over time (log scale)', width, height);
    const x = (t) => left + (t - data.start_ns) / (data.end_ns - data.start_ns) * (width - left - right);
    const points = data.latency.points;
    const latencies = points.map((p) => Math.max(1, p[1]));
    const lo = Math.pow(10, Math.floor(Math.log10(Math.min(...latencies, 1e6))));
    const hi = Math.pow(10, Math.ceil(Math.log10(Math.max(...latencies, 10 * lo))));
    const y = (v) => bottom - (Math.log10(Math.max(1, v)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo)) * (bottom - top);
    shadeFaults(root, x, top, bottom);
    for (let v = lo; v <= hi; v *= 10) {
      root.appendChild(svgEl('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), stroke: '#eef1f4' }));
      root.appendChild(svgEl('text', { x: 4, y: y(v) + 4 }, duration(v)));
    }
    const group = root.appendChild(svgEl('g'));
    for (const [t, latency, outcome] of points) {
      group.appendChild(svgEl('circle', { cx: x(t), cy: y(latency), r: 2, fill: COLOURS[outcome], 'fill-opacity': 0.7 }));
    }
    timeAxis(root, x, bottom, width);
    add(parent, root);
  }
  function renderThroughput(parent, width) {
    const height = 260, left = 58, right = 10, top = 10, bottom = height - 24;
    const root = chartFrame('throughput', 'completions per second, stacked by outcome', width, height);
    const x = (t) => left + (t - data.start_ns) / (data.end_ns - data.start_ns) * (width - left - right);
    const tp = data.throughput, perSecond = byPosition ? 1 : 1e9 / tp.bucket_ns, unit = byPosition ? ' per ' + tp.bucket_ns : '/s';
    const totals = tp.ok.map((v, i) => (v + tp.fail[i] + tp.info[i]) * perSecond);
    const max = Math.max(1, ...totals);
    const y = (v) => bottom - v / max * (bottom - top);
    shadeFaults(root, x, top, bottom);
    for (let i = 0; i <= 4; i++) {
      root.appendChild(svgEl('line', { x1: left, x2: width - right, y1: y(max * i / 4), y2: y(max * i / 4), stroke: '#eef1f4' }));
      root.appendChild(svgEl('text', { x: 4, y: y(max * i / 4) + 4 }, (max < 10 ? (max * i / 4).toFixed(1) : Math.round(max * i / 4)) + unit));
    }
    tp.ok.forEach((ok, i) => {
      const x0 = x(tp.start_ns + i * tp.bucket_ns), w = Math.max(1, x(tp.start_ns + (i + 1) * tp.bucket_ns) - x0 - 1);
      let base = 0;
      for (const [name, count] of [['ok', ok], ['fail', tp.fail[i]], ['info', tp.info[i]]]) {
        const v = count * perSecond;
        if (v > 0) root.appendChild(svgEl('rect', { x: x0, y: y(base + v), width: w, height: y(base) - y(base + v), fill: COLOURS[name] }));
        base += v;
      }
    });
    timeAxis(root, x, bottom, width);
    add(parent, root);
  }
  function renderCharts() {
    add(app, el('h2', {}, 'Latency and throughput'));
    let caption = 'Left: latency of each op (log scale; info ops at the time the client gave up). Right: ' +
      (byPosition ? 'completions per ' + data.throughput.bucket_ns + ' history positions (this history has no real time).' : 'completions per second.') + ' Shaded: fault periods.';
    if (data.latency.every > 1) caption += ' The latency chart shows one op in ' + data.latency.every + ' of ' + data.latency.completed + '.';
    add(app, el('p', { class: 'muted' }, caption));
    const box = add(app, el('div', { class: 'charts' }));
    const width = Math.max(400, Math.floor(((app.clientWidth || 1200) - 16) / (window.innerWidth > 1000 ? 2 : 1)));
    renderLatency(box, width);
    renderThroughput(box, width);
  }

  // -- the causal story (a shrunk run's) --------------------------------------
  // A space-time diagram: a line per client and node, one row per event (in
  // time order, evenly spaced so every event can be read), messages as
  // arrows from where they left, faults as bands over the nodes they hit.
  function renderStory() {
    const story = data.story;
    if (!story || !story.events || !story.events.length) return;
    add(app, el('h2', {}, 'Causal story'));
    add(app,
        el('p', {class: 'muted'},
           story.events.length + ' events on the path to the failure' +
               (story.events_left_out ? ' (' + story.events_left_out + ' more left out)' : '') +
               '; one line per client and node, messages as arrows, faults as bands.'));
    if (story.link) add(app, el('p', {class: 'story-link'}, story.link));
    const laneWidth = 70, rowHeight = 24, left = 40, top = 34, textWidth = 640;
    const lanes = story.lanes;
    const column = (lane) => {
      const i = lanes.indexOf(lane);
      return i < 0 ? -1 : left + i * laneWidth + laneWidth / 2;
    };
    const width = left + lanes.length * laneWidth + textWidth;
    const height = top + story.events.length * rowHeight + 10;
    const root = svgEl('svg', {
      class: 'chart story',
      id: 'story',
      width,
      height,
      viewBox: '0 0 ' + width + ' ' + height,
      role: 'img'
    });
    root.appendChild(svgEl('title', {}, 'Causal story of the failure'));
    const rowY = (i) => top + i * rowHeight + rowHeight / 2;
    const rowOf = (time) => {
      let row = -1;
      story.events.forEach((e, i) => {
        if (e.time_ns <= time) row = i;
      });
      return row;
    };
    for (const band of story.bands || []) {
      const first = story.events.findIndex((e) => e.time_ns >= band.start_ns);
      const last = rowOf(band.end_ns);
      if (first < 0 || last < first) continue;
      const bandLanes = band.lanes.length ? band.lanes : lanes.filter((l) => l.startsWith('n'));
      for (const lane of bandLanes) {
        const x = column(lane);
        if (x < 0) continue;
        const rect = root.appendChild(svgEl('rect', {
          x: x - laneWidth / 2 + 4,
          y: rowY(first) - rowHeight / 2,
          width: laneWidth - 8,
          height: (last - first + 1) * rowHeight,
          fill: '#d64545',
          'fill-opacity': 0.12,
          class: 'story-band'
        }));
        rect.appendChild(svgEl('title', {}, band.text));
      }
    }
    lanes.forEach((lane) => {
      const x = column(lane);
      root.appendChild(
          svgEl('text', {x, y: 18, 'text-anchor': 'middle', class: 'lane-label'}, lane));
      root.appendChild(svgEl('line', {x1: x, y1: top - 6, x2: x, y2: height - 4, stroke: '#bbb'}));
    });
    story.events.forEach((event, i) => {
      const y = rowY(i);
      const x = column(event.lane);
      if (event.from_lane && x >= 0 && column(event.from_lane) >= 0) {
        const fromRow = event.from_time_ns >= 0 ? rowOf(event.from_time_ns) : i - 1;
        const y0 = fromRow >= 0 && fromRow < i ? rowY(fromRow) : y - rowHeight / 2;
        root.appendChild(svgEl('line', {
          x1: column(event.from_lane),
          y1: y0,
          x2: x,
          y2: y,
          stroke: '#1565c0',
          'stroke-width': 1.5,
          class: 'story-arrow'
        }));
        root.appendChild(
            svgEl('circle', {cx: column(event.from_lane), cy: y0, r: 2, fill: '#1565c0'}));
      }
      if (x >= 0) {
        const dot = root.appendChild(svgEl('circle', {
          cx: x,
          cy: y,
          r: event.anomaly ? 7 : 4,
          fill: event.anomaly                                    ? '#c62828' :
              event.kind === 'fault' || event.kind === 'finding' ? '#7b3fb3' :
                                                                   '#333',
          class: 'story-event'
        }));
        dot.appendChild(svgEl('title', {}, event.text));
      }
      root.appendChild(svgEl('text', {x: 6, y: y + 4, class: 'lane-label'}, String(i + 1)));
      const text = event.text.length > 96 ? event.text.slice(0, 95) + '\u2026' : event.text;
      const label = root.appendChild(svgEl(
          'text', {
            x: left + lanes.length * laneWidth + 8,
            y: y + 4,
            class: event.anomaly ? 'story-text anomaly' : 'story-text'
          },
          at(event.time_ns) + '  ' + event.lane + '  ' + text));
      label.appendChild(svgEl('title', {}, event.text));
    });
    add(add(app, el('div', {class: 'story-box'})), root);
  }

  // -- the systems' audit trail (e.g. the CRDT store's sync merges) ----------
  // One key's records at a time, chosen from every key the trail names: the
  // key the failure is about when it names one.
  function renderAudit() {
    const audit = data.audit;
    if (!audit || !audit.records || !audit.records.length) return;
    const keys = [...new Set(audit.records.map((r) => r.key))].sort();
    add(app, el('h2', {}, 'Audit trail'));
    add(app,
        el('p', {class: 'muted'},
           audit.records.length + ' records about ' + keys.length + ' keys' +
               (audit.dropped ? ' (' + audit.dropped + ' more were not kept)' : '') +
               ': per merge, what the replica had, what it received and what the merge chose.'));
    const anomalies = (data.explanation && data.explanation.anomalies) || [];
    const named = anomalies.length && anomalies[0].key ?
        String(anomalies[0].key).replace(/^"|"$/g, '') :
        null;
    const initial = keys.find((k) => named && k.replace(/^[a-z]:/, '') === named) || keys[0];
    const label = add(app, el('label', {}, 'key '));
    const select = add(label, el('select', {id: 'audit-key'}));
    for (const key of keys) {
      const option = add(select, el('option', {value: key}, key));
      if (key === initial) option.setAttribute('selected', '');
    }
    const table = add(app, el('table', {id: 'audit'}));
    const head = add(add(table, el('thead')), el('tr'));
    for (const name of ['time', 'node', 'entry']) add(head, el('th', {}, name));
    const body = add(table, el('tbody'));
    const show = () => {
      body.textContent = '';
      for (const record of audit.records) {
        if (record.key !== select.value) continue;
        const tr = add(body, el('tr'));
        add(tr, el('td', {class: 'num'}, at(record.time_ns)));
        add(tr, el('td', {}, 'n' + record.node));
        add(tr, el('td', {class: 'wrap'}, record.entry));
      }
    };
    select.addEventListener('change', show);
    show();
  }

  // -- faults and the trace --------------------------------------------------
  function renderFaultList() {
    if (!data.faults.length) return;
    add(app, el('h2', {}, 'Faults'));
    const table = add(app, el('table', { id: 'faults' }));
    const head = add(add(table, el('thead')), el('tr'));
    for (const name of ['kind', 'nodes', 'from', 'to', 'detail']) add(head, el('th', {}, name));
    const body = add(table, el('tbody'));
    for (const fault of data.faults) {
      const tr = add(body, el('tr'));
      const kind = add(tr, el('td'));
      add(kind, el('span', { class: 'swatch', style: 'background:' + faultColour(fault.kind) }));
      kind.appendChild(document.createTextNode(fault.kind));
      add(tr, el('td', {}, fault.nodes.length ? fault.nodes.map((n) => 'n' + n).join(' ') : 'cluster'));
      add(tr, el('td', { class: 'num' }, at(fault.start_ns)));
      add(tr, el('td', { class: 'num' }, at(fault.end_ns)));
      add(tr, el('td', { class: 'wrap' }, fault.detail));
    }
  }
  function renderTrace() {
    const trace = data.trace;
    if (!trace) return;
    add(app, el('h2', {}, 'Trace log' + (trace.focus_line ? ' around the failure' : ', last lines')));
    add(app, el('p', { class: 'muted' }, 'Lines ' + trace.first_line + '\u2013' + (trace.first_line + trace.lines.length - 1) +
      ' of ' + trace.total_lines + ' in trace.log' + (trace.focus_line ? '; line ' + trace.focus_line + ' is the first at the failure.' : '.')));
    const box = add(app, el('div', { class: 'trace', id: 'trace' }));
    trace.lines.forEach((line, i) => {
      const number = trace.first_line + i;
      let cls = /VIOLATION/.test(line) ? 'violation' : /NEMESIS|CRASH|RESTART/.test(line) ? 'nemesis' : '';
      if (number === trace.focus_line) cls += ' focus';
      const row = add(box, el('div', { class: cls.trim() }));
      add(row, el('span', { class: 'ln' }, number));
      row.appendChild(document.createTextNode(line));
    });
    const focus = box.querySelector('.focus');
    if (focus) box.scrollTop = Math.max(0, focus.offsetTop - box.clientHeight / 3);
  }

  renderHeader();
  renderExplanation();
  renderQueueLanes();
  timeline.mount();
  renderCharts();
  renderStory();
  renderAudit();
  renderFaultList();
  renderTrace();
  add(app, el('p', { class: 'muted' }, 'Written by simlab. Self-contained: this file loads nothing from the network.'));
  document.body.setAttribute('data-rendered', 'run');
})();
