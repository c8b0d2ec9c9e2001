// The few messages that do travel by postMessage: big payloads, transfer lists, cancel reasons, lifecycle.
import type { ErrorRecord } from '@runtime-traits/core/kit';
import type { MessagePort } from 'node:worker_threads';
import type { LayoutConfig, SharedBuffers } from '../memory/layout.js';

export interface WorkerInit {
  buffers: SharedBuffers;
  config: LayoutConfig;
  /** This thread's endpoint number. */
  me: number;
  role: 'worker' | 'blocking';
  /** Spins on the queues before parking. */
  spinCount: number;
  /** true for the first thread of an endpoint; false for a replacement (inherits in-flight slots). */
  fresh: boolean;
  port: MessagePort;
  /** This thread's epoch on its endpoint (liveness.ts). */
  epoch: number;
  /** Held, never used: the watchdog thread sees it close when this thread is gone (liveness.ts). */
  lifePort: MessagePort;
  /** Every SharedArrayBuffer numbered so far. */
  sabs: Array<[number, SharedArrayBuffer]>;
}

/** What the watchdog thread (watchdog-thread.ts) starts with. */
export interface WatchdogInit {
  buffers: SharedBuffers;
  config: LayoutConfig;
  port: MessagePort;
}

/** Main → watchdog thread. */
export type ToWatchdog =
  /** Watch epoch `epoch` of endpoint e: the other end of `port` is that thread's life port. */
  | { t: 'watch'; e: number; epoch: number; port: MessagePort }
  /** Shutdown: let go of every port. */
  | { t: 'stop' };

/** Main → thread. */
export type ToThread =
  /** A task whose arguments did not fit in its slot (or came with a transfer list). Its slot is already RUNNING. */
  | { t: 'run'; slot: number; args: unknown[] }
  /** The reason for a cancel whose flag is already raised in the slot (encoded: an error keeps its class and code). */
  | { t: 'cancel'; slot: number; reason: ErrorRecord }
  /** A big result for a task this thread owns (forwarded by main from the thread that ran it). */
  | { t: 'result'; slot: number; use: number; ok: boolean; value: unknown }
  /** A SharedArrayBuffer's number (sab-registry.ts). */
  | { t: 'sab'; id: number; sab: SharedArrayBuffer }
  /** Shutdown began: spawns on this thread throw from now on, and its own tasks are cancelled after `graceMs`. */
  | { t: 'closing'; graceMs: number };

/** Thread → main. */
export type ToMain =
  | { t: 'ready' }
  /** A result too big for its slot; `owner` is the endpoint that awaits it. */
  | { t: 'result'; slot: number; use: number; owner: number; ok: boolean; value: unknown }
  /** A worker submitted blocking work: start the blocking threads if they are not running. */
  | { t: 'blocking' }
  /** A SharedArrayBuffer this thread numbered: main learns it and forwards it to the others. */
  | { t: 'sab'; id: number; sab: SharedArrayBuffer }
  /** A detached task spawned on this thread failed: main calls onUnhandledError. */
  | { t: 'unhandled'; id: number; error: unknown }
  /** A task called cx.runtime.shutdown(). */
  | { t: 'shutdown' }
  /** After 'closing': every task this thread spawned itself has settled (or was cancelled at the grace's end). */
  | { t: 'drained' }
  /** Thread-per-core: a spawnOn whose arguments do not fit its slot (already RUNNING on `target`): main forwards it as 'run'. */
  | { t: 'place'; slot: number; target: number; args: unknown[]; transfer: unknown[] | undefined };
