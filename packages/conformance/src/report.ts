// What a run reports, the same from the Node CLI and from a browser page: counts, each failure, each skip with its reason.

export interface ConformanceReport {
  name: string;
  seconds: number;
  passes: number;
  failures: number;
  pending: number;
  failed: Array<{ title: string; error: string }>;
  skipped: Array<{ title: string; reason: string }>;
}

/** The reason a skipped case's title carries ("… (skipped: runtime lacks net.udp)"), or 'skipped' if none. */
export function skipReason(title: string): string {
  const match = /\(skipped: (.*)\)$/.exec(title);
  return match ? match[1]! : 'skipped';
}
