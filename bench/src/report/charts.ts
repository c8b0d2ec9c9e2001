// One SVG chart per benchmark (results/<bench>.svg), drawn with vega-lite and rendered by vega in
// Node (no browser): a bar per contender at its median, a rule from min to max, one panel per case.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchRow } from '../types.js';

export async function writeChart(dir: string, bench: string, rows: readonly BenchRow[]): Promise<string | undefined> {
  const values = rows
    .filter((r) => Number.isFinite(r.median))
    .map((r) => ({
      case: `${r.case} — ${r.unit}${r.better === 'lower' ? ' (lower is better)' : ''}`,
      contender: r.contender,
      median: r.median,
      min: r.min,
      max: r.max,
      target: r.target ? (r.target.met ? 'target met' : 'target NOT met') : 'no target',
    }));
  if (values.length === 0) return undefined;
  const spec: TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: `${bench} (median, min–max over rounds)`,
    data: { values },
    facet: { row: { field: 'case', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left', labelOrient: 'top', labelFontWeight: 'bold' } } },
    spec: {
      width: 460,
      height: { step: 22 },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            y: { field: 'contender', type: 'nominal', title: null, sort: null },
            x: { field: 'median', type: 'quantitative', title: null, axis: { format: '~s', tickCount: 5 } },
            color: {
              field: 'target', type: 'nominal', title: null,
              scale: { domain: ['target met', 'target NOT met', 'no target'], range: ['#2e7d32', '#c62828', '#78909c'] },
            },
          },
        },
        {
          mark: { type: 'rule', color: '#222' },
          encoding: {
            y: { field: 'contender', type: 'nominal', sort: null },
            x: { field: 'min', type: 'quantitative' },
            x2: { field: 'max' },
          },
        },
        {
          mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
          encoding: {
            y: { field: 'contender', type: 'nominal', sort: null },
            x: { field: 'max', type: 'quantitative' },
            text: { field: 'median', type: 'quantitative', format: '.3s' },
          },
        },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  };
  const view = new vega.View(vega.parse(compile(spec, { logger: vega.logger(vega.None) }).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  const file = join(dir, `${bench}.svg`);
  writeFileSync(file, svg);
  return file;
}
