// The chart writer draws an SVG with one bar per contender that has a figure, through vega-lite.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeChart } from '../src/report/charts.js';
import type { BenchRow } from '../src/types.js';

const row = (contender: string, median: number): BenchRow => ({
  bench: 'demo', case: 'one case', contender, unit: 'ops/s', better: 'higher', median, min: median * 0.9, max: median * 1.1, samples: 3,
});

describe('writeChart', () => {
  it('should write an SVG naming every contender with a figure and leave out one without', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-chart-'));
    try {
      const file = await writeChart(dir, 'demo', [row('alpha', 1000), row('beta', 2500), row('gamma', NaN)]);
      const svg = readFileSync(file!, 'utf8');
      expect(svg.startsWith('<svg')).to.equal(true);
      expect(svg).to.contain('alpha').and.contain('beta').and.contain('one case');
      expect(svg).not.to.contain('gamma');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('should write nothing when no row has a figure', async () => {
    expect(await writeChart(tmpdir(), 'none', [row('x', NaN)])).to.equal(undefined);
  });
});
