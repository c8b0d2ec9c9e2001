// The reports: number formatting, target verdicts, the markdown table and the merge of runs.
import { expect } from 'chai';
import { mergeBench } from '../src/report/json.js';
import { fmt, verdict } from '../src/report/format.js';
import { table } from '../src/report/markdown.js';
import type { BenchRow } from '../src/types.js';

const row = (over: Partial<BenchRow>): BenchRow => ({
  bench: 'b', case: 'c', contender: 'x', unit: 'ops/s', better: 'higher', median: 1, min: 1, max: 1, samples: 1, ...over,
});

describe('fmt', () => {
  it('should keep three significant figures with a suffix', () => {
    expect(fmt(51234)).to.equal('51.2k');
    expect(fmt(1_234_567)).to.equal('1.23M');
    expect(fmt(2.345)).to.equal('2.35');
    expect(fmt(NaN)).to.equal('—');
  });
});

describe('verdict', () => {
  it('should say not measured rather than met or not met when there is no figure', () => {
    expect(verdict(row({ median: NaN, target: { text: 't', met: false } }))).to.equal('not measured');
    expect(verdict(row({ target: { text: 't', met: false } }))).to.equal('NOT MET');
    expect(verdict(row({ target: { text: 't', met: true } }))).to.equal('met');
  });
});

describe('table', () => {
  it('should print one line per row with the ratio, the target verdict and the reason a figure is missing', () => {
    const lines = table([
      row({ contender: 'base', baseline: 'base', ratio: 1 }),
      row({ contender: 'w', median: 5, baseline: 'base', ratio: 5, target: { text: '>= 5x base', met: true } }),
      row({ contender: 'n', median: NaN, status: 'not available', note: 'not built | yet' }),
    ]);
    expect(lines).to.have.length(5);
    expect(lines[3]).to.contain('5.00x').and.contain('met (>= 5x base)');
    expect(lines[4]).to.contain('not available: not built \\| yet');
  });
});

describe('mergeBench', () => {
  it('should replace only the rows of the benchmark that ran', () => {
    const machine = { cores: 2, cpuModel: 'cpu', node: 'v20', platform: 'linux', memoryGiB: 1, loadStart: 0 };
    const run = { date: 'd', seconds: 1, quick: false, machine };
    const before = { command: 'npm run bench', runs: { a: run, b: run }, rows: [row({ bench: 'a' }), row({ bench: 'b' })] };
    const after = mergeBench(before, 'a', { ...run, date: 'e' }, [row({ bench: 'a', median: 9 })]);
    expect(after.rows.map((r) => [r.bench, r.median])).to.deep.equal([['b', 1], ['a', 9]]);
    expect(after.runs.a!.date).to.equal('e');
  });
});
