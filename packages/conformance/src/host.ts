// What the JavaScript host (engine, page or worker) offers the suite itself: gates for cases that need shared memory or a blocking wait.
//
// These are facts about where the suite runs, not about the runtime under test, so they cannot be
// runtime capabilities: a browser page that is not cross-origin isolated has no SharedArrayBuffer,
// and a browser's main thread may not call Atomics.wait. A case that needs one is skipped there with
// the reason in its title, never failed and never silently passed.

/** A feature of the host a case may need. */
export type HostFeature = 'shared-memory' | 'blocking-wait';

const lacking = new Map<HostFeature, string | undefined>();

/** Why the host cannot run a case needing `feature`, or undefined when it can. */
export function hostLacks(feature: HostFeature): string | undefined {
  if (!lacking.has(feature)) lacking.set(feature, probe(feature));
  return lacking.get(feature);
}

function probe(feature: HostFeature): string | undefined {
  const g = globalThis as { SharedArrayBuffer?: unknown; crossOriginIsolated?: boolean };
  if (typeof g.SharedArrayBuffer !== 'function') {
    return g.crossOriginIsolated === false
      ? 'host has no SharedArrayBuffer (the page is not cross-origin isolated)'
      : 'host has no SharedArrayBuffer';
  }
  if (feature === 'blocking-wait') {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // 'not-equal' at once where waiting is allowed
    } catch {
      return 'host may not block this thread with Atomics.wait (a browser\'s main thread)';
    }
  }
  return undefined;
}

/** A Node built-in, or undefined where there is none (a browser). The specifier is not a literal, so bundlers leave it alone. */
export async function optionalBuiltin<T>(name: string): Promise<T | undefined> {
  // Where nothing speaks Node, do not even try: a page would fetch "node:os" as a URL (a foreign,
  // slow promise that a deterministic runtime rightly reports as a deadlock).
  if (typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== 'string') return undefined;
  const specifier = `node:${name}`;
  try {
    return await import(/* @vite-ignore */ specifier) as T;
  } catch {
    return undefined;
  }
}
