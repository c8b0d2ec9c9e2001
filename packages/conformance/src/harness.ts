// The harness every area registers its cases through: fresh runtime per case, capability gates, guaranteed shutdown.
//
// HOW a case runs:
//   1. Gate: the capabilities read once (in `before`) decide whether the case runs; a skipped case's
//      title names the capability it needs (or must lack).
//   2. `create()` makes a fresh runtime; the case body runs inside `runtime.run()` (block_on), so a
//      virtual clock advances and a deadlock is reported exactly as a library would see them.
//      `outside` cases (shutdown, run) get the runtime without being inside run().
//   3. Whatever happens, deferred clean-ups run and the runtime is shut down (bounded by a watchdog,
//      so a broken shutdown fails the case instead of hanging the suite); `afterEach` catches leftovers.
import type {
  Capability, Clock, Executor, Net, Runtime, RuntimeOptions, TaskContext,
} from '@runtime-traits/core';
import { bdd } from './bdd.js';
import { hostLacks, type HostFeature } from './host.js';

/** What `conformanceSuite` takes. */
export interface ConformanceOptions {
  /** Shown in the suite's title ('node', 'worksteal-4', 'my-adapter'). */
  name: string;
  /**
   * Returns a fresh, started, isolated runtime on every call. The suite passes RuntimeOptions
   * (`onUnhandledError`) for the detach cases: forward them to your runtime's create().
   */
  create: (options?: RuntimeOptions) => Runtime | Promise<Runtime>;
  /** Per-case limit in ms of real time (a safety net only; no case measures wall-clock speed). Default 20000. */
  timeoutMs?: number;
}

/** What a case body gets. */
export interface Case {
  /** The fresh runtime made for this case by the adapter's `create`. */
  readonly rt: Runtime;
  /** The context of the run() the body runs in (undefined in `outside` cases). */
  readonly cx: TaskContext;
  /** `rt.executor`. */
  readonly ex: Executor;
  /** `rt.reactor.clock`. */
  readonly clock: Clock;
  /** `rt.reactor.net`. */
  readonly net: Net;
  /** Registers a clean-up that runs after the body, even when it fails (last in, first out). */
  defer(cleanup: () => unknown): void;
  /** Another fresh runtime (with options), shut down at the end of the case. */
  create(options?: RuntimeOptions): Promise<Runtime>;
}

/** When a case runs: the capabilities and host features it needs, or the one it checks is missing. */
export interface Gate {
  /** Runs only when the runtime has every one of these. */
  needs?: Capability[];
  /** Runs only when the runtime LACKS this capability (checks the UnsupportedError path). */
  lacks?: Capability;
  /** Body runs outside runtime.run() (for shutdown and run() itself). */
  outside?: boolean;
  /** Runs only where the host (engine, page) offers these: shared memory, a blocking wait on this thread. */
  host?: HostFeature[];
}

export type Body = (t: Case) => unknown;

const SHUTDOWN_WATCHDOG_MS = 10_000;

export class Harness {
  private capabilities: ReadonlySet<Capability> | undefined;
  private readonly live = new Set<Runtime>();
  readonly timeoutMs: number;

  constructor(private readonly options: ConformanceOptions) {
    this.timeoutMs = options.timeoutMs ?? 20_000;
  }

  /** Registers the hooks; call once inside the root describe. */
  install(): void {
    const harness = this;
    const { after, afterEach, before } = bdd();
    before(async function () {
      this.timeout(harness.timeoutMs);
      const rt = await harness.create();
      harness.capabilities = new Set(rt.capabilities);
      await harness.dispose(rt);
    });
    afterEach(async function () {
      this.timeout(SHUTDOWN_WATCHDOG_MS * 2);
      const leftovers = [...harness.live];
      await Promise.all(leftovers.map((rt) => harness.dispose(rt).catch(() => undefined)));
    });
    after(() => harness.live.clear());
  }

  /** Registers one case. */
  it(title: string, body: Body, gate: Gate = {}): void {
    const harness = this;
    const parts = [
      gate.needs?.length ? `needs ${gate.needs.join(', ')}` : '',
      gate.lacks ? `only without ${gate.lacks}` : '',
      gate.host?.length ? `host: ${gate.host.join(', ')}` : '',
    ].filter(Boolean);
    const suffix = parts.length ? ` [${parts.join('; ')}]` : '';
    bdd().it(title + suffix, async function () {
      this.timeout(harness.timeoutMs);
      const reason = harness.skipReason(gate);
      if (reason) {
        if (this.test) this.test.title += ` (skipped: ${reason})`;
        this.skip();
      }
      await harness.runCase(body, gate);
    });
  }

  /** Groups cases (mocha's describe). */
  describe(title: string, register: () => void): void {
    bdd().describe(title, register);
  }

  /** True when the runtime has the capability (known once `before` ran; use inside bodies only). */
  has(capability: Capability): boolean {
    return this.capabilities?.has(capability) ?? false;
  }

  private skipReason(gate: Gate): string | undefined {
    for (const feature of gate.host ?? []) {
      const reason = hostLacks(feature);
      if (reason) return reason;
    }
    const caps = this.capabilities;
    if (!caps) return undefined; // before() failed; let the case fail on its own
    const missing = (gate.needs ?? []).filter((c) => !caps.has(c));
    if (missing.length) return `runtime lacks ${missing.join(', ')}`;
    if (gate.lacks && caps.has(gate.lacks)) return `runtime has ${gate.lacks}`;
    return undefined;
  }

  private async runCase(body: Body, gate: Gate): Promise<void> {
    const rt = await this.create();
    const cleanups: Array<() => unknown> = [];
    const extra: Runtime[] = [];
    const make = (cx: TaskContext | undefined): Case => ({
      rt,
      cx: cx as TaskContext,
      ex: rt.executor,
      clock: rt.reactor.clock,
      net: rt.reactor.net,
      defer: (cleanup) => { cleanups.push(cleanup); },
      create: async (options) => {
        const other = await this.create(options);
        extra.push(other);
        return other;
      },
    });
    let failed = false;
    try {
      if (gate.outside) await body(make(undefined));
      else await rt.run(async (cx) => { await body(make(cx)); });
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      for (const cleanup of cleanups.reverse()) {
        try { await cleanup(); } catch { /* clean-up is best effort */ }
      }
      for (const runtime of [rt, ...extra]) {
        try {
          await this.dispose(runtime);
        } catch (error) {
          if (!failed) throw error;
        }
      }
    }
  }

  private async create(options?: RuntimeOptions): Promise<Runtime> {
    const rt = await this.options.create(options);
    if (typeof rt !== 'object' || rt === null || typeof rt.shutdown !== 'function') {
      throw new TypeError(`create() must return a Runtime, got ${String(rt)}`);
    }
    this.live.add(rt);
    return rt;
  }

  /** Shuts a runtime down; a shutdown that never resolves fails after a real-time watchdog. */
  private async dispose(rt: Runtime): Promise<void> {
    this.live.delete(rt);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const watchdog = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`shutdown() did not resolve within ${SHUTDOWN_WATCHDOG_MS} ms`)), SHUTDOWN_WATCHDOG_MS);
      (timer as { unref?: () => void }).unref?.();
    });
    try {
      await Promise.race([rt.shutdown(), watchdog]);
    } finally {
      clearTimeout(timer);
    }
  }
}
