// Runs one call on one runtime and says how it ended: returned, threw, settled, or still pending.
import { RuntimeError } from '@runtime-traits/core';
import type { Runtime } from '@runtime-traits/core';

/** How a call ended. `pending`: a promise still unsettled after the window (a long sleep, say): fine. */
export interface Outcome {
  mode: 'returned' | 'threw' | 'resolved' | 'rejected' | 'pending' | 'hung';
  /** The error's class: 'TypeError', 'RangeError', a RuntimeError class name, 'Error(name)', or 'not an error'. */
  cls?: string;
  message?: string;
}

/** How long a returned promise may take before it counts as pending, on the runtime's own clock. */
export const WINDOW_MS = 20;
/** Real time after which a call (with its clean-up) counts as hung. */
export const HANG_MS = 5_000;

export type Cleanup = () => unknown;

/** A class name for whatever was thrown, without touching a hostile value's traps. */
export function classOf(error: unknown): string {
  try {
    if (error instanceof TypeError) return 'TypeError';
    if (error instanceof RangeError) return 'RangeError';
    if (RuntimeError.is(error)) return (error as Error).constructor.name;
    if (error instanceof Error) return `Error(${error.name})`;
  } catch {
    return 'a hostile value';
  }
  return 'not an error';
}

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : '';
  } catch {
    return '';
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  try {
    return (typeof value === 'object' || typeof value === 'function') && value !== null
      && typeof (value as { then?: unknown }).then === 'function';
  } catch {
    return false;
  }
}

/**
 * Calls `call` inside `rt.run()` (the local runtimes drive their world only there) and waits up to
 * WINDOW_MS of the runtime's clock for a returned promise. Whatever the call made is cleaned up by
 * the cleanups it registered, inside the same run.
 */
export async function attempt(rt: Runtime, call: (track: (c: Cleanup) => void) => unknown, outside = false): Promise<Outcome> {
  const cleanups: Cleanup[] = [];
  const track = (c: Cleanup) => { cleanups.push(c); };
  const body = async (): Promise<Outcome> => {
    let outcome: Outcome;
    let value: unknown;
    try {
      value = call(track);
    } catch (error) {
      return { mode: 'threw', cls: classOf(error), message: messageOf(error) };
    }
    if (!isThenable(value)) {
      outcome = { mode: 'returned' };
    } else {
      const window = rt.reactor.clock.sleep(WINDOW_MS).then((): Outcome => ({ mode: 'pending' }));
      outcome = await Promise.race([
        Promise.resolve(value).then((): Outcome => ({ mode: 'resolved' }), (error): Outcome => ({ mode: 'rejected', cls: classOf(error), message: messageOf(error) })),
        window,
      ]);
    }
    return outcome;
  };
  const cleanup = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await Promise.resolve().then(c).catch(() => undefined);
  };
  const done = outside
    ? body().then(async (outcome) => { await rt.run(cleanup); return outcome; })
    : rt.run(async () => {
      const outcome = await body();
      await cleanup();
      return outcome;
    });
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<Outcome>((resolve) => {
    timer = setTimeout(() => resolve({ mode: 'hung', message: `no answer within ${HANG_MS} ms of real time` }), HANG_MS);
  });
  try {
    return await Promise.race([done, hung]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether an error message names the argument `name` (as `name`, `name.field` or `name[i]`). */
export function names(message: string | undefined, name: string): boolean {
  if (!message) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w.])${escaped}([^\\w]|$)`).test(message);
}

/** Unhandled rejections and uncaught exceptions seen while the fuzzer runs. */
export class Escapes {
  readonly seen: string[] = [];
  private readonly onRejection = (reason: unknown) => { this.seen.push(`unhandled rejection: ${classOf(reason)} ${messageOf(reason)}`); };
  private readonly onException = (error: unknown) => { this.seen.push(`uncaught exception: ${classOf(error)} ${messageOf(error)}`); };

  start(): void {
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtExceptionMonitor', this.onException);
  }

  stop(): void {
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtExceptionMonitor', this.onException);
  }

  /** Lets the loop turn twice (rejections are reported after a macrotask), then takes what was seen. */
  async drain(): Promise<string[]> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    return this.seen.splice(0);
  }
}
