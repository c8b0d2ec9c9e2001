// Builds the viewer's one self-contained HTML page: styles, the trace model as JSON, and the drawing code inline.
import { viewerMain } from './page-script.js';
import type { TraceModel } from './trace-model.js';

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const STYLE = `
  body { font: 13px/1.4 system-ui, sans-serif; margin: 0; color: #1d2433; background: #fafbfc; }
  header { padding: 10px 16px; border-bottom: 1px solid #dde2ea; background: #fff; display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; }
  h1 { font-size: 16px; margin: 0; }
  .summary { color: #59627a; }
  .controls button { font: inherit; padding: 2px 9px; margin-right: 4px; border: 1px solid #c5ccd8; border-radius: 4px; background: #fff; cursor: pointer; }
  #failure { margin: 10px 16px 0; padding: 8px 12px; border: 2px solid #d1242f; border-radius: 6px; background: #fff0f0; color: #8c1119; font-weight: 600; white-space: pre-wrap; }
  #chart-wrap { overflow: hidden; margin: 8px 0 0; }
  svg { display: block; cursor: grab; user-select: none; }
  .lane-bg { fill: #fff; stroke: #e5e9f0; }
  .lane:nth-child(even) .lane-bg { fill: #f5f7fa; }
  .lane-label { font-weight: 600; fill: #2c3445; }
  .tick { stroke: #eef1f5; } .tick-label { fill: #7a839a; font-size: 11px; }
  .span { fill: #7aa7e8; } .span-failed { fill: #e8836f; } .span-cancelled { fill: #b7bdc9; } .span-running { fill: #9fd3a6; }
  .arrow { stroke: #3c5a8c; stroke-width: 1; opacity: .55; } .arrow-udp { stroke-dasharray: 3 2; }
  .arrow:hover { opacity: 1; stroke-width: 2; } .arrow-head { fill: #3c5a8c; }
  .fault-line { stroke-width: 2; stroke-dasharray: 5 3; } .fault-label { font-size: 10px; font-weight: 600; }
  .fault-partition .fault-line, .fault-crash .fault-line { stroke: #d97706; } .fault-partition text, .fault-crash text { fill: #b45309; }
  .fault-repair .fault-line, .fault-restart .fault-line { stroke: #16a34a; } .fault-repair text, .fault-restart text { fill: #15803d; }
  .fault-link .fault-line { stroke: #7c3aed; } .fault-link text { fill: #6d28d9; }
  .failure-mark { stroke: #d1242f; stroke-width: 3; }
  .note { fill: #0ea5e9; }
  footer { padding: 8px 16px; color: #7a839a; }
`;

/** The whole page for `model`; `title` goes in the heading, `failure` (a replay's error) in the banner too. */
export function renderPage(model: TraceModel, title: string, failure?: string): string {
  const failures = model.failures.map((f) => `always failed at ${f.at} ms: ${f.text}`);
  if (failure && !failures.some((f) => f.includes(failure))) failures.push(failure);
  const banner = failures.length === 0 ? '' : `<div id="failure" role="alert">${escapeHtml(failures.join('\n'))}</div>`;
  const data = JSON.stringify(model).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>${escapeHtml(title)}</h1>
  <span class="summary">${model.hosts.length} hosts · ${model.tasks.length} tasks · ${model.messages.length} messages · ${model.faults.length} faults · ${model.events} events · ${model.end} ms virtual</span>
  <span class="controls">
    <button id="zoom-in" title="zoom in (or the mouse wheel)">+</button><button id="zoom-out" title="zoom out">−</button><button id="zoom-fit">fit</button>${model.failures.length > 0 ? '<button id="goto-failure">go to failure</button>' : ''}
    <span id="zoom-level"></span>
  </span>
</header>
${banner}
<div id="chart-wrap"><svg id="chart" xmlns="http://www.w3.org/2000/svg"></svg></div>
<footer>Drag to pan, wheel to zoom (shift+wheel pans). Lanes are hosts; bars are tasks (blue done, red failed, grey cancelled, green still running); arrows are bytes on the wire; dashed lines are faults; the red line is the failed assertion.</footer>
<script type="application/json" id="trace-data">${data}</script>
<script>(${viewerMain.toString()})(JSON.parse(document.getElementById('trace-data').textContent));</script>
</body>
</html>
`;
}
