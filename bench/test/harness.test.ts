// The harness's arithmetic and ordering: medians, oriented ratios, targets, alternation, the window.
import { expect } from 'chai';
import { alternate } from '../src/harness/alternate.js';
import { atLeast, reaches, toRows } from '../src/harness/rows.js';
import { orientedRatio, summarise } from '../src/harness/stats.js';
import { runWindow } from '../src/harness/window.js';

describe('summarise', () => {
  it('should give the middle value of an odd set and the mean of the middle two of an even set', () => {
    expect(summarise([5, 1, 3])).to.deep.equal({ median: 3, min: 1, max: 5, samples: 3 });
    expect(summarise([4, 1, 3, 2]).median).to.equal(2.5);
  });

  it('should give NaN figures for no samples', () => {
    expect(summarise([]).median).to.be.NaN;
  });
});

describe('orientedRatio', () => {
  it('should be above 1 when the contender is better, for both directions', () => {
    expect(orientedRatio(200, 100, 'higher')).to.equal(2);
    expect(orientedRatio(50, 100, 'lower')).to.equal(2);
  });
});

describe('toRows', () => {
  const outcome = (...samples: number[]) => ({ samples });

  it('should take ratios against the named baseline and judge targets on medians', () => {
    const rows = toRows({
      bench: 'b', case: 'c', unit: 'ops/s', better: 'higher', baseline: 'slow',
      targets: [atLeast('fast', 5, 'slow', 'higher'), atLeast('fast', 3, 'mid', 'higher')],
    }, new Map([['slow', outcome(10, 11, 9)], ['mid', outcome(20)], ['fast', outcome(55, 1, 60)]]));
    const fast = rows.find((r) => r.contender === 'fast')!;
    expect(fast.median).to.equal(55);
    expect(fast.ratio).to.equal(5.5);
    expect(fast.baseline).to.equal('slow');
    expect(fast.target).to.deep.equal({ text: '>= 5x slow; >= 3x mid', met: false });
    expect(rows.find((r) => r.contender === 'slow')!.target).to.equal(undefined);
  });

  it('should mark a target on a contender without figures as not met and keep its reason', () => {
    const rows = toRows({ bench: 'b', case: 'c', unit: 'x', better: 'higher', targets: [reaches('a', 1, 'higher', '>= 1')] },
      new Map([['a', { samples: [], problem: { status: 'not available' as const, note: 'not built' } }]]));
    expect(rows[0]).to.include({ status: 'not available', note: 'not built' });
    expect(rows[0]!.target!.met).to.equal(false);
    expect(rows[0]!.median).to.be.NaN;
  });

  it('should judge a lower-is-better target by the inverse ratio', () => {
    const rows = toRows({ bench: 'b', case: 'c', unit: 'ms', better: 'lower', baseline: 'seq', targets: [atLeast('par', 1.8, 'seq', 'lower')] },
      new Map([['seq', outcome(100)], ['par', outcome(50)]]));
    expect(rows.find((r) => r.contender === 'par')).to.deep.include({ ratio: 2, target: { text: '>= 1.8x seq', met: true } });
  });
});

describe('alternate', () => {
  it('should rotate who goes first each round and record one sample per contender per round', async () => {
    const order: string[] = [];
    const make = (name: string) => ({ name, measure: async () => { order.push(name); return 1; } });
    const out = await alternate([make('a'), make('b'), make('c')], { rounds: 3 });
    expect(order).to.deep.equal(['a', 'b', 'c', 'b', 'c', 'a', 'c', 'a', 'b']);
    expect(out.get('b')!.samples).to.have.length(3);
  });

  it('should record a contender that throws as failed and go on with the others', async () => {
    const out = await alternate([
      { name: 'bad', measure: async () => { throw new RangeError('boom'); } },
      { name: 'good', measure: async () => 7 },
    ], { rounds: 2 });
    expect(out.get('bad')!.problem).to.deep.equal({ status: 'failed', note: 'RangeError: boom' });
    expect(out.get('good')!.samples).to.deep.equal([7, 7]);
  });

  it('should not run an unavailable contender', async () => {
    let ran = false;
    const out = await alternate([{ name: 'x', unavailable: 'no runtime', measure: async () => { ran = true; return 1; } }], { rounds: 1 });
    expect(ran).to.equal(false);
    expect(out.get('x')!.problem).to.deep.equal({ status: 'not available', note: 'no runtime' });
  });
});

describe('runWindow', () => {
  it('should never exceed the in-flight limit and submit every task once', async () => {
    let live = 0;
    let peak = 0;
    const seen = new Set<number>();
    await runWindow(50, 4, async (i) => {
      seen.add(i);
      peak = Math.max(peak, ++live);
      await new Promise((r) => setImmediate(r));
      live--;
      return i + 1;
    }, (i, v) => v === i + 1);
    expect(peak).to.equal(4);
    expect(seen.size).to.equal(50);
  });

  it('should reject when a result is wrong', async () => {
    let error: unknown;
    await runWindow(10, 2, async (i) => i, (i, v) => v === i + 1).catch((e: unknown) => { error = e; });
    expect(String(error)).to.match(/task 0 returned 0/);
  });
});
