// `npm start`: the showcase runs the same library on all three runtimes, prints a summary, and exits 0.
import { expect } from 'chai';
import { runApp } from './run-app.js';

const APP = 'examples/showcase/dist/src/main.js';

/** Primes below `limit` by a sieve: computed here, independently of the showcase's trial division. */
function primesBelow(limit: number): number {
  const composite = new Uint8Array(limit);
  let count = 0;
  for (let n = 2; n < limit; n++) {
    if (composite[n]) continue;
    count++;
    for (let m = n * n; m < limit; m += n) composite[m] = 1;
  }
  return count;
}

describe('examples/showcase (npm start)', function () {
  this.timeout(180_000);
  let run: Awaited<ReturnType<typeof runApp>>;

  before(async () => { run = await runApp(APP, [], {}, 170_000); });

  it('should exit 0 by itself', () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).to.equal(0);
  });

  for (const runtime of ['node', 'local', 'worksteal']) {
    describe(`its ${runtime} section`, () => {
      const section = () => run.stdout.split(`▶ ${runtime}:`)[1]!.split('\n\n')[0]!;

      it('should count primes correctly with tasks and with fork-join', () => {
        const tasks = /tasks\s+8 tasks found (\d+) primes < (\d+)/.exec(section())!;
        expect(Number(tasks[1])).to.equal(primesBelow(Number(tasks[2])));
        const join = /parallel\s+join \((?:parallel|sequential)\) found (\d+) primes < (\d+)/.exec(section())!;
        expect(Number(join[1])).to.equal(primesBelow(Number(join[2])));
      });

      it('should have its timeout fire and its TCP payload come back intact', () => {
        expect(section()).to.match(/timers\s+slept .*, 3 ticks, timeout fired/);
        expect(section()).to.match(/tcp\s+echoed 64 KiB via \S+ intact/);
      });
    });
  }

  it('should sleep an hour of virtual time on the local runtime', () => {
    expect(run.stdout).to.match(/local\s+timers\s+main\s+60 min/);
  });

  it('should run the fork-join job in parallel on more than one worker thread of the worksteal runtime', () => {
    expect(run.stdout).to.match(/worksteal: .*\n(?:.*\n)*?\s+parallel\s+join \(parallel\)/);
    const row = /worksteal\s+parallel\s+(.+?)\s{2,}/.exec(run.stdout)!;
    expect(row[1]).to.match(/thread \d+, thread \d+|\d+ threads/);
  });

  it('should say how the fork-join speedup compares, or why the machine\'s load makes one impossible, never both claims at once', () => {
    const note = /• worksteal: (.*)/.exec(run.stdout)![1]!;
    expect(note).to.match(/\d+\.\d+x the speed of node's sequential join \(.* best runs\)/);
    const claim = /^the fork-join job ran on \d+ threads, ([\d.]+)x/.exec(note);
    if (claim) expect(Number(claim[1]), note).to.be.at.least(1.2);
    else expect(note, 'a ratio below 1.2 comes with its reason').to.match(/saturated|busy|no faster|no parallel speedup to show/);
    expect(run.stdout).to.match(/\d+ cores, load average \d+\.\d+\)/);
  });

  it('should end with a summary row for every step of every runtime', () => {
    const summary = run.stdout.split('Summary: what ran where, and how long it took\n')[1]!;
    const rows = summary.split('\n').filter((line) => /^(node|local|worksteal)\s/.test(line));
    expect(rows.map((r) => r.split(/\s+/).slice(0, 2).join(' '))).to.deep.equal(
      ['node', 'local', 'worksteal'].flatMap((rt) => ['tasks', 'timers', 'tcp', 'parallel'].map((s) => `${rt} ${s}`)));
  });
});
