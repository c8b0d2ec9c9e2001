// A portable task that runs a KvServer on whichever worksteal worker picks it up, with that
// worker's own executor, reactor and clock — the library cannot tell it is not on the main thread.
import { threadId } from 'node:worker_threads';
import { defineTask } from '@runtime-traits/core';
import { KvServer } from '../../src/lib/index.js';
import type { KvServerOptions } from '../../src/lib/index.js';

/**
 * Listens on 127.0.0.1 (any port), publishes the port in `ready[0]` (then `Atomics.notify`), and
 * serves until the task is cancelled. `ready[1]` gets the thread id (0 would be the main thread).
 */
export const serveOnWorker = defineTask(import.meta.url, 'serveOnWorker',
  async (cx, ready: SharedArrayBuffer, options: KvServerOptions) => {
    const { executor, reactor } = cx.runtime;
    const server = new KvServer(executor, reactor.net, reactor.clock, options);
    const address = await server.listen({ host: '127.0.0.1', port: 0 });
    const cell = new Int32Array(ready);
    Atomics.store(cell, 1, threadId);
    Atomics.store(cell, 0, 'port' in address ? address.port : -1);
    Atomics.notify(cell, 0);
    await new Promise<void>((resolve) => {
      if (cx.signal.aborted) resolve();
      else cx.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await server.close();
  });
