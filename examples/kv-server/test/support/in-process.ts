// Starts a KvServer inside this test process on each runtime: node, local driven by Node's reactor,
// and worksteal with the server running on a worker thread (a portable task), and stops it.
import { Container } from 'inversify';
import { runtimeModule } from '@runtime-traits/inversify';
import { NodeReactor, NodeRuntime } from '@runtime-traits/node';
import { LocalRuntime } from '@runtime-traits/local';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import type { Runtime } from '@runtime-traits/core';
import { KV_SERVER_OPTIONS, KvServer } from '../../src/lib/index.js';
import type { KvServerOptions } from '../../src/lib/index.js';
import { serveOnWorker } from './worker-server.js';

export type RuntimeName = 'node' | 'local' | 'worksteal';
export const RUNTIMES: readonly RuntimeName[] = ['node', 'local', 'worksteal'];

export interface RunningServer {
  port: number;
  /** Where the server runs, in words, for test titles and failure messages. */
  where: string;
  /** The thread the server runs on (0: the main thread). */
  threadId: number;
  stop(): Promise<void>;
}

/** A server wired by inversify on `runtime`, served from inside `runtime.run` until stopped. */
async function onThisThread(runtime: Runtime, options: KvServerOptions, cleanup: () => Promise<void>): Promise<RunningServer> {
  const container = new Container();
  const module = runtimeModule(runtime);
  container.load(module);
  container.bind(KV_SERVER_OPTIONS).toConstantValue(options);
  container.bind(KvServer).toSelf().inSingletonScope();
  const server = container.get(KvServer);
  let stop!: () => void;
  const stopped = new Promise<void>((resolve) => { stop = resolve; });
  let listening!: (port: number) => void;
  const port = new Promise<number>((resolve) => { listening = resolve; });
  const running = runtime.run(async () => {
    const address = await server.listen({ host: '127.0.0.1', port: 0 });
    listening('port' in address ? address.port : -1);
    await stopped;
    await server.close();
  });
  running.catch(() => listening(-1));
  return {
    port: await port,
    where: `${runtime.name} runtime, main thread`,
    threadId: 0,
    async stop() {
      stop();
      await within(10_000, `closing the server on the ${runtime.name} runtime`, running);
      await within(10_000, `unloading the ${runtime.name} runtime's module`, container.unloadAsync(module));
      await cleanup();
    },
  };
}

/** `work`, or an error naming `step` if it has not settled after `ms` (so a hang says where it is). */
async function within<T>(ms: number, step: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${step} took over ${ms} ms`)), ms); });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

export async function startInProcess(name: RuntimeName, options: KvServerOptions = {}): Promise<RunningServer> {
  if (name === 'node') return onThisThread(await NodeRuntime.create(), options, async () => undefined);
  if (name === 'local') {
    const reactor = new NodeReactor();
    return onThisThread(await LocalRuntime.create({ reactor }), options, async () => { await reactor.close(); });
  }
  const runtime = await WorkStealingRuntime.create({ workers: 2 });
  const ready = new SharedArrayBuffer(8);
  const cell = new Int32Array(ready);
  const task = runtime.executor.spawn(serveOnWorker, [ready, options]);
  const failed = task.then(() => new Error('the server task ended early'), (error: unknown) => error);
  while (Atomics.load(cell, 0) === 0) {
    const outcome = await Promise.race([failed, new Promise((resolve) => setTimeout(resolve, 5))]);
    if (outcome !== undefined) throw outcome;
  }
  return {
    port: Atomics.load(cell, 0),
    where: `worksteal runtime, worker thread ${Atomics.load(cell, 1)}`,
    threadId: Atomics.load(cell, 1),
    async stop() {
      await within(10_000, 'cancelling the server task on the worker', task.cancel());
      await within(10_000, 'shutting the worksteal runtime down', runtime.shutdown());
    },
  };
}
