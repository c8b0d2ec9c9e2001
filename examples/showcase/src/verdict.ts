// What the showcase may honestly say about the fork-join speedup, given the machine's cores and load.
//
// The parallel step is timed fairly (both runtimes warmed, a job of hundreds of milliseconds, the
// best of a few runs), but a shared machine can still leave no core for a second thread. The load
// average counts the threads that want a core; when it reaches the number of cores, every core is
// already busy with other work and two threads cannot finish sooner than one — the ratio then
// measures the neighbours, and the sentence says so instead of claiming a parallel run was slower.

export interface SpeedupInput {
  /** Cores of this machine (os.availableParallelism()). */
  cores: number;
  /** The 1-minute load average (os.loadavg()[0]), the highest seen around the run. */
  load: number;
  /** Threads that ran parts of the fork-join job. */
  threads: number;
  /** Best wall time of node's sequential join, ms. */
  sequentialMs: number;
  /** Best wall time of worksteal's parallel join, ms. */
  parallelMs: number;
}

export type Machine = 'idle' | 'busy' | 'saturated';

/** Cores left over by other work: 'saturated' leaves none, 'busy' less than one beyond this program's own. */
export function machineState(cores: number, load: number): Machine {
  const spare = cores - load;
  if (spare <= 0) return 'saturated';
  return spare < 1 ? 'busy' : 'idle';
}

/** The sentence about the fork-join job: the ratio, and why it cannot mean much when the machine is loaded. */
export function speedupVerdict(input: SpeedupInput): string {
  const { cores, load, threads, sequentialMs, parallelMs } = input;
  const ratio = sequentialMs / parallelMs;
  const measured = `${ratio.toFixed(2)}x the speed of node's sequential join (${ms(parallelMs)} vs ${ms(sequentialMs)}, best runs)`;
  const where = `load average ${load.toFixed(2)} on ${cores} core${cores === 1 ? '' : 's'}`;
  if (threads < 2 || cores < 2) {
    return `the fork-join job ran on ${threads} thread${threads === 1 ? '' : 's'} (${cores} core${cores === 1 ? '' : 's'} here), `
      + `so there is no parallel speedup to show: ${measured}`;
  }
  const state = machineState(cores, load);
  if (state === 'saturated' && ratio >= 1.2) {
    // The load average is a minute's mean: the neighbours may have left the cores free during the
    // run. "Impossible" next to a measured speedup would contradict itself; say both facts instead.
    return `this machine is saturated (${where}): other processes want every core, yet this run still `
      + `measured ${measured} on ${threads} threads; with that load, expect the figure to vary from run to run`;
  }
  if (state === 'saturated') {
    return `this machine is saturated (${where}): other processes keep every core busy, so a parallel speedup `
      + `is impossible right now; measured ${measured}, which reflects that load, not the runtime`;
  }
  if (state === 'busy' && ratio < 1.2) {
    return `this machine is busy (${where}, less than one spare core), so little or no speedup is possible; `
      + `measured ${measured} on ${threads} threads`;
  }
  if (ratio >= 1.2) return `the fork-join job ran on ${threads} threads, ${measured}`;
  return `the fork-join job ran on ${threads} threads but was no faster: ${measured}, although the machine `
    + `looked idle (${where}); another process may have taken the cores during the run`;
}

function ms(value: number): string {
  return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
}
