// The shape every benchmark reports in, so results, tables and charts are made one way.

/** One contender of one benchmark: the median of its samples and how it compares with the baseline. */
export interface BenchRow {
  /** The benchmark's name, e.g. 'threads'. */
  bench: string;
  /** What was measured inside the benchmark, e.g. 'tiny tasks, 64 in flight'. */
  case: string;
  /** Who ran it, e.g. 'worksteal', 'piscina', 'raw net.Socket'. */
  contender: string;
  unit: string;
  /** 'higher' for throughput (ops/s, MB/s), 'lower' for latency or bytes. */
  better: 'higher' | 'lower';
  /** NaN (null in JSON) when the contender could not run: see `status` and `note`. */
  median: number;
  min: number;
  max: number;
  samples: number;
  /** The contender this row's ratio is taken against (same bench and case), when it has one. */
  baseline?: string;
  /** median / baseline's median, oriented so that > 1 means this contender is better. */
  ratio?: number;
  /** A target from the issues, e.g. { text: '>= 5x piscina', met: true }. */
  target?: { text: string; met: boolean };
  /** 'ok' (the default when absent), 'not available' (its runtime or service is missing) or 'failed' (it threw). */
  status?: 'ok' | 'not available' | 'failed';
  /** Why a row has no figure, or anything a reader must know to read the figure right. */
  note?: string;
}

export interface BenchContext {
  /** Fewer samples and smaller sizes, for a smoke run. */
  quick: boolean;
  /** A progress line on stderr. */
  log(message: string): void;
  /**
   * Hands over rows as soon as a case is finished (optional to call, optional to provide): if the
   * benchmark's process then dies, these rows are kept. The rows returned by `run()` still count
   * on their own; rows recorded and also returned are not duplicated (run()'s list wins).
   */
  record?(rows: readonly BenchRow[]): void;
}

/** A module under src/benches/ exports one of these as default. */
export interface Benchmark {
  name: string;
  description: string;
  run(ctx: BenchContext): Promise<BenchRow[]>;
}
