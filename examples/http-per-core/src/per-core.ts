// The service on every core: `broadcast` starts an http.Server on each worker of a thread-per-core runtime, all on one port.
//
// Each worker keeps its own http.Server in this module's instance on its thread (per-thread state:
// nothing migrates in `stealing: false`), listening through node-compat's `serve` on the worker's own
// reactor with `reusePort` (or, with listener 'native', with node:net's own listen on the worker
// thread), so the kernel spreads connections over the workers. Where the engine
// lacks `net.reusePort` (Node < 22.12), only worker 0 listens: the service still runs, on one core.
import http from 'node:http';
import { defineTask, type TaskContext } from '@runtime-traits/core';
import type { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { createApi } from './api.js';

/** This thread's server (one per worker thread). */
let server: http.Server | undefined;

/**
 * Starts this worker's server on `port` (idempotent: a second call answers the port it listens on).
 * `listener` 'runtime': accepts through the worker's reactor (node-compat's serve); 'native': the
 * http.Server's own listen on the worker thread (no runtime between the socket and http).
 */
export const startServer = defineTask(import.meta.url, 'startServer', async (cx: TaskContext, host: string, port: number, reusePort: boolean, listener: Listening): Promise<number> => {
  if (server?.listening) return (server.address() as { port: number }).port;
  const s = http.createServer({ keepAliveTimeout: 5_000 }, createApi(cx.worker ?? 'main'));
  server = s;
  if (listener === 'runtime') {
    // Loaded here, not at the top: a native listener's thread then never holds node-compat (~10 MiB a thread).
    const { serve } = await import('@runtime-traits/node-compat');
    return ((await serve(s, cx.runtime.reactor, { host, port }, { reusePort })) as { port: number }).port;
  }
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen({ host, port, ...(reusePort ? { reusePort } : {}) }, () => resolve());
  });
  return (s.address() as { port: number }).port;
});

/** How each worker's http.Server accepts: through the runtime's reactor, or node:net's own listen. */
export type Listening = 'runtime' | 'native';

/** Stops this worker's server: no new connections, open ones closed. */
export const stopServer = defineTask(import.meta.url, 'stopServer', async (): Promise<boolean> => {
  const s = server;
  server = undefined;
  if (!s) return false;
  await new Promise<void>((resolve) => {
    s.close(() => resolve());
    s.closeAllConnections();
  });
  return true;
});

export interface PerCore {
  port: number;
  /** Workers that listen (all of them with net.reusePort, else 1). */
  listening: number;
  reusePort: boolean;
}

/** Starts the service on every worker of `rt` (created with `stealing: false`); `port` 0 picks a free one. */
export async function startPerCore(rt: WorkStealingRuntime, opts: { host?: string; port?: number; listener?: Listening } = {}): Promise<PerCore> {
  const host = opts.host ?? '127.0.0.1';
  const listener = opts.listener ?? 'runtime';
  if (listener !== 'runtime' && listener !== 'native') throw new TypeError(`opts.listener must be 'runtime' or 'native', got ${String(listener)}`);
  const reusePort = rt.capabilities.has('net.reusePort');
  // Worker 0 first: with port 0 the kernel picks the port the others then share.
  const port = await rt.spawnOn(0, startServer, [host, opts.port ?? 0, reusePort, listener]);
  if (!reusePort) return { port, listening: 1, reusePort };
  const ports = await rt.broadcast(startServer, [host, port, true, listener]);
  if (ports.some((p) => p !== port)) throw new Error(`workers listen on different ports: ${ports.join(', ')}`);
  return { port, listening: ports.length, reusePort };
}

/** Stops every worker's server (before rt.shutdown()). */
export async function stopPerCore(rt: WorkStealingRuntime): Promise<void> {
  await rt.broadcast(stopServer, []);
}
