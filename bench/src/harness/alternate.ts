// Runs the contenders of one comparison in turn, round after round, so load on this shared
// machine falls on all of them alike; each round rotates who goes first.
//
// HOW: round r runs contender (r + i) mod n for i = 0..n-1; each run yields one sample.
// WHY: a burst of load from a neighbour then lands on every contender in some round, and the
// median over rounds discards it; running contender A to completion before B would charge the
// whole burst to whoever happened to run during it.

/** One side of a comparison. `measure` returns one sample (ops/s, MB/s, ms... as the case says). */
export interface Contender {
  name: string;
  /** Set when the contender cannot run at all (its runtime is not built yet, redis is absent...). */
  unavailable?: string;
  setup?(): Promise<void>;
  measure(): Promise<number>;
  teardown?(): Promise<void>;
}

export interface Outcome {
  samples: number[];
  /** 'not available: …' or 'failed: …' when the contender produced no figure. */
  problem?: { status: 'not available' | 'failed'; note: string };
}

export interface AlternateOptions {
  rounds: number;
  /** Untimed runs of each contender before the first round (JIT warm-up). */
  warmup?: number;
  log?: (message: string) => void;
  label?: string;
  /** A sample that takes longer fails the contender (a wedged runtime must not hang the run). Default: see setSampleTimeout. */
  timeoutMs?: number;
}

let defaultTimeoutMs = 60_000;

/** The default time limit of one sample (main sets a short one for --quick runs). */
export function setSampleTimeout(ms: number): void {
  defaultTimeoutMs = ms;
}

export async function alternate(contenders: readonly Contender[], opts: AlternateOptions): Promise<Map<string, Outcome>> {
  const out = new Map<string, Outcome>();
  const live: Contender[] = [];
  for (const c of contenders) {
    if (c.unavailable !== undefined) {
      out.set(c.name, { samples: [], problem: { status: 'not available', note: c.unavailable } });
      continue;
    }
    out.set(c.name, { samples: [] });
    try {
      await c.setup?.();
      live.push(c);
    } catch (error) {
      out.get(c.name)!.problem = { status: 'failed', note: `setup failed: ${describe(error)}` };
    }
  }
  const failed = new Set<Contender>();
  const attempt = async (c: Contender, record: boolean): Promise<void> => {
    if (failed.has(c)) return;
    try {
      const value = await guard(c.measure(), opts.timeoutMs ?? defaultTimeoutMs);
      if (!Number.isFinite(value)) throw new Error(`measure() returned ${value}`);
      if (record) out.get(c.name)!.samples.push(value);
    } catch (error) {
      failed.add(c);
      out.get(c.name)!.problem = { status: 'failed', note: describe(error) };
      opts.log?.(`    ${c.name} failed: ${describe(error)}`);
    }
  };
  try {
    for (let w = 0; w < (opts.warmup ?? 0); w++) for (const c of live) await attempt(c, false);
    for (let r = 0; r < opts.rounds; r++) {
      for (let i = 0; i < live.length; i++) await attempt(live[(r + i) % live.length]!, true);
      if (opts.log && opts.label) opts.log(`    ${opts.label}: round ${r + 1}/${opts.rounds} done`);
    }
  } finally {
    for (const c of live) {
      try {
        await c.teardown?.();
      } catch (error) {
        opts.log?.(`    ${c.name} teardown failed: ${describe(error)}`);
      }
    }
  }
  return out;
}

// The sample under way, so an uncaught exception (thrown by a runtime from one of its own
// callbacks) fails that sample rather than the whole run. At most one sample runs at a time.
let failCurrent: ((error: unknown) => void) | undefined;

/** Fails the sample under way with `error`; false when no sample is running. */
export function failCurrentSample(error: unknown): boolean {
  if (!failCurrent) return false;
  failCurrent(error);
  return true;
}

/** The sample's outcome, unless the time limit passes first or the sample is failed from outside. */
function guard<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no result within ${ms / 1000} s (abandoned)`)), ms);
    failCurrent = (error) => reject(new Error(`uncaught in the process during this sample: ${describe(error)}`));
  });
  return Promise.race([work, limit]).finally(() => {
    clearTimeout(timer);
    failCurrent = undefined;
  });
}

export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${error.name}${code ? ` ${String(code)}` : ''}: ${error.message.split('\n')[0]}`;
  }
  return String(error);
}
