// What a run reports, the same from the Node CLI and from a browser page: counts, each failure, each skip with its reason.

/** The outcome of one conformance run (the CLI's `--report-json`, the browser entry's result). */
export interface ConformanceReport {
  /** The adapter's name, as given to the suite. */
  name: string;
  /** Wall-clock duration of the run, in seconds. */
  seconds: number;
  /** Cases that passed. */
  passes: number;
  /** Cases that failed. */
  failures: number;
  /** Cases skipped (a capability or host feature the runtime lacks). */
  pending: number;
  /** Each failed case. */
  failed: Array<{
    /** The case's full title. */
    title: string;
    /** Its failure message. */
    error: string;
  }>;
  /** Each skipped case. */
  skipped: Array<{
    /** The case's full title. */
    title: string;
    /** Why it was skipped ('runtime lacks net.udp'…). */
    reason: string;
  }>;
}

/** The reason a skipped case's title carries ("… (skipped: runtime lacks net.udp)"), or 'skipped' if none. */
export function skipReason(title: string): string {
  const match = /\(skipped: (.*)\)$/.exec(title);
  return match ? match[1]! : 'skipped';
}
