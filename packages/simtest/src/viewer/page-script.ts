// The viewer's code in the browser: draws the trace model as SVG lanes, spans, arrows and marks, and zooms and pans it.
//
// This function is serialised with Function#toString into the page, so it must stand alone: no
// imports, no references to anything outside its body (types are erased by the compiler).
import type { TraceModel } from './trace-model.js';

export function viewerMain(model: TraceModel): void {
  const SVG = 'http://www.w3.org/2000/svg';
  const LABEL = 150;
  const AXIS = 34;
  const ROW = 11;
  const MAX_ROWS = 8;
  const svg = document.getElementById('chart') as unknown as SVGSVGElement;
  const wrap = document.getElementById('chart-wrap') as HTMLDivElement;
  const readout = document.getElementById('zoom-level') as HTMLSpanElement;

  const el = <K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, parent: Element, title?: string): SVGElementTagNameMap[K] => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (title) {
      const t = document.createElementNS(SVG, 'title');
      t.textContent = title;
      node.appendChild(t);
    }
    parent.appendChild(node);
    return node;
  };

  // Lanes: one per host, tall enough for its overlapping task spans (greedy rows).
  const rowsOf = new Map<string, number>();
  const rowOfTask = new Map<object, number>();
  for (const host of model.hosts) {
    const ends: number[] = [];
    for (const span of model.tasks.filter((t) => t.host === host).sort((a, b) => a.start - b.start)) {
      let row = ends.findIndex((end) => end <= span.start);
      if (row < 0) row = ends.length < MAX_ROWS ? ends.length : MAX_ROWS - 1;
      ends[row] = Math.max(ends[row] ?? 0, span.end);
      rowOfTask.set(span, row);
    }
    rowsOf.set(host, Math.max(1, ends.length));
  }
  const laneTop = new Map<string, number>();
  let y = AXIS;
  for (const host of model.hosts) {
    laneTop.set(host, y);
    y += 26 + rowsOf.get(host)! * ROW;
  }
  const height = y + 10;
  const mid = (host: string): number => laneTop.get(host)! + (26 + rowsOf.get(host)! * ROW) / 2;

  let zoom = 1;
  let offset = 0; // virtual ms at the left edge of the plot
  const plotWidth = (): number => Math.max(200, wrap.clientWidth - LABEL - 20);
  const scale = (): number => (plotWidth() / model.end) * zoom;
  const xOf = (t: number): number => LABEL + (t - offset) * scale();

  const layers = {
    axis: el('g', { class: 'axis' }, svg),
    lanes: el('g', { class: 'lanes' }, svg),
    spans: el('g', { class: 'spans' }, svg),
    faults: el('g', { class: 'faults' }, svg),
    arrows: el('g', { class: 'arrows' }, svg),
    marks: el('g', { class: 'marks' }, svg),
  };
  const defs = el('defs', {}, svg);
  const marker = el('marker', { id: 'head', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 6, markerHeight: 6, orient: 'auto-start-reverse' }, defs);
  el('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrow-head' }, marker);

  const niceStep = (span: number): number => {
    const raw = span / 8;
    const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-9)));
    for (const m of [1, 2, 5, 10]) if (raw <= m * pow) return m * pow;
    return 10 * pow;
  };

  function draw(): void {
    for (const layer of Object.values(layers)) layer.replaceChildren();
    const width = LABEL + plotWidth() + 20;
    svg.setAttribute('width', String(width));
    svg.setAttribute('height', String(height));
    const visible = plotWidth() / scale();
    const step = niceStep(visible);
    for (let t = Math.ceil(offset / step) * step; t <= offset + visible; t += step) {
      const x = xOf(t);
      el('line', { x1: x, x2: x, y1: AXIS - 6, y2: height, class: 'tick' }, layers.axis);
      const label = el('text', { x: x + 2, y: AXIS - 10, class: 'tick-label' }, layers.axis);
      label.textContent = `${+t.toFixed(3)} ms`;
    }
    for (const host of model.hosts) {
      const top = laneTop.get(host)!;
      const lane = el('g', { class: 'lane', 'data-host': host }, layers.lanes);
      el('rect', { x: 0, y: top, width, height: 26 + rowsOf.get(host)! * ROW, class: 'lane-bg' }, lane);
      const name = el('text', { x: 8, y: mid(host) + 4, class: 'lane-label' }, lane);
      name.textContent = host;
    }
    for (const span of model.tasks) {
      const x1 = xOf(span.start);
      const x2 = Math.max(x1 + 1.5, xOf(span.end));
      if (x2 < LABEL || x1 > width) continue;
      const top = laneTop.get(span.host)! + 13 + rowOfTask.get(span)! * ROW;
      el('rect', { x: Math.max(LABEL, x1), y: top, width: x2 - Math.max(LABEL, x1), height: ROW - 3, class: `span span-${span.state}` }, layers.spans,
        `${span.host} task ${span.id}${span.name ? ` (${span.name})` : ''}: ${span.start}–${span.end} ms, ${span.state}`);
    }
    for (const fault of model.faults) {
      const x = xOf(fault.at);
      const ys = fault.hosts.filter((h) => laneTop.has(h)).map(mid);
      const g = el('g', { class: `fault fault-${fault.kind}` }, layers.faults, `${fault.at} ms: ${fault.text}`);
      el('line', { x1: x, x2: x, y1: Math.min(...ys) - 12, y2: Math.max(...ys) + 12, class: 'fault-line' }, g);
      const label = el('text', { x: x + 3, y: Math.min(...ys) - 3, class: 'fault-label' }, g);
      label.textContent = fault.kind;
    }
    model.messages.forEach((msg, i) => {
      if (!laneTop.has(msg.from) || !laneTop.has(msg.to)) return;
      el('line', {
        x1: xOf(msg.sent), y1: mid(msg.from), x2: xOf(msg.received), y2: mid(msg.to),
        class: `arrow arrow-${msg.kind}`, 'marker-end': 'url(#head)', 'data-index': i,
      }, layers.arrows, `${msg.kind} ${msg.bytes} bytes ${msg.from} → ${msg.to}, sent ${msg.sent} ms, received ${msg.received} ms`);
    });
    for (const note of model.notes) {
      const x = xOf(note.at);
      el('circle', { cx: x, cy: AXIS - 3, r: 3, class: 'note' }, layers.marks, `${note.at} ms: ${note.text}`);
    }
    for (const failure of model.failures) {
      const x = xOf(failure.at);
      el('line', { x1: x, x2: x, y1: AXIS - 14, y2: height, class: 'failure-mark' }, layers.marks, `${failure.at} ms: ${failure.text}`);
    }
    readout.textContent = `${zoom.toFixed(zoom < 10 ? 2 : 0)}x, ${+offset.toFixed(3)}–${+(offset + visible).toFixed(3)} ms`;
  }

  const clampOffset = (): void => {
    const visible = plotWidth() / scale();
    offset = Math.min(Math.max(0, offset), Math.max(0, model.end - visible));
  };
  const zoomAt = (factor: number, atX: number): void => {
    const t = offset + (atX - LABEL) / scale();
    zoom = Math.min(Math.max(zoom * factor, 1), 1e6);
    offset = t - (atX - LABEL) / scale();
    clampOffset();
    draw();
  };
  const centre = (): number => LABEL + plotWidth() / 2;
  document.getElementById('zoom-in')!.addEventListener('click', () => zoomAt(2, centre()));
  document.getElementById('zoom-out')!.addEventListener('click', () => zoomAt(0.5, centre()));
  document.getElementById('zoom-fit')!.addEventListener('click', () => { zoom = 1; offset = 0; draw(); });
  const failureButton = document.getElementById('goto-failure');
  failureButton?.addEventListener('click', () => {
    const first = model.failures[0];
    if (!first) return;
    zoom = Math.max(zoom, 8);
    offset = first.at - (plotWidth() / scale()) / 2;
    clampOffset();
    draw();
  });
  svg.addEventListener('wheel', (event) => {
    event.preventDefault();
    const box = svg.getBoundingClientRect();
    if (event.shiftKey) {
      offset += (event.deltaY / scale());
      clampOffset();
      draw();
    } else {
      zoomAt(event.deltaY < 0 ? 1.25 : 0.8, event.clientX - box.left);
    }
  }, { passive: false });
  let dragFrom: { x: number; offset: number } | null = null;
  svg.addEventListener('mousedown', (event) => { dragFrom = { x: event.clientX, offset }; });
  window.addEventListener('mouseup', () => { dragFrom = null; });
  window.addEventListener('mousemove', (event) => {
    if (!dragFrom) return;
    offset = dragFrom.offset - (event.clientX - dragFrom.x) / scale();
    clampOffset();
    draw();
  });
  window.addEventListener('resize', draw);
  draw();
}
