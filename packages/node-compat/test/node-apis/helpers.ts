// What the withNodeApis tests share: Node's real clock taken before any scope, a two-host simulation, and patch-state probes.
import net from 'node:net';
import timers from 'node:timers';
import { Simulation } from '@runtime-traits/local';
import { isPatched } from '../../src/apis/install.js';
import { withNodeApis } from '../../src/index.js';

/** Real milliseconds, whatever a scope patches (taken at load). */
export const realNow = performance.now.bind(performance);
/** Node's own setTimeout and clearTimeout, taken at load (before any scope patched the module). */
export const nodeSetTimeout = timers.setTimeout;
export const nodeClearTimeout = timers.clearTimeout;

/** A Simulation with hosts 'server' and 'client' (made in that order). */
export function twoHosts(seed: number, latency = { min: 1, max: 5 }): Simulation {
  const sim = new Simulation({ seed, latency });
  sim.host('server');
  sim.host('client');
  return sim;
}

/** Resolves after `n` turns of Node's own event loop (the patches come off a macrotask after the last scope). */
export async function macrotasks(n = 3): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((resolve) => { nodeSetTimeout(resolve, 1); });
}

/** Whether Node's APIs are patched right now. */
export { isPatched };

/** A real TCP server on 127.0.0.1 that answers every connection with `reply` and closes. */
export async function realServer(reply: string): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => socket.end(reply));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** What a plain net.connect to 127.0.0.1:port reads until the end. */
export function readFrom(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = net.connect(port, '127.0.0.1');
    socket.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => resolve(text)).on('error', reject);
  });
}

/** How a call failed, as a caller can see it: thrown or rejected, the class, name, code and message. */
export async function failureOf(call: () => unknown): Promise<string> {
  let how = 'threw';
  try {
    const result = call();
    if (!(result instanceof Promise)) return 'returned';
    how = 'rejected';
    await result;
    return 'resolved';
  } catch (error) {
    const e = error as Error & { code?: unknown };
    return `${how} ${e.constructor.name} ${e.name} ${String(e.code)}: ${e.message}`;
  }
}

/** `failureOf` each of `calls`, outside every scope (Node's own) and inside `runtime`'s, side by side. */
export async function failuresHereAndIn(runtime: Parameters<typeof withNodeApis>[0], calls: Record<string, () => unknown>): Promise<{ node: string[]; scope: string[] }> {
  const node: string[] = [];
  for (const [name, call] of Object.entries(calls)) node.push(`${name}: ${await failureOf(call)}`);
  const scope = await withNodeApis(runtime, async () => {
    const seen: string[] = [];
    for (const [name, call] of Object.entries(calls)) seen.push(`${name}: ${await failureOf(call)}`);
    return seen;
  });
  return { node, scope };
}
