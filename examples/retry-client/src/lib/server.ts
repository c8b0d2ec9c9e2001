// A greeting server written only against @runtime-traits/core: "HELLO <name>" → "HI <name> #<n>".
import type { Runtime, Task } from '@runtime-traits/core';
import { LineReader } from './lines.js';

export interface GreetingServerOptions {
  /** Defaults to 127.0.0.1: nothing beyond this machine is served unless asked for (a Simulation's other hosts need '0.0.0.0'). */
  host?: string;
  port: number;
}

/**
 * Listens and serves until the runtime shuts down (or its host crashes). `n` counts greetings
 * since this server started: it lives in memory, so a crashed and restarted server counts from 1.
 */
export function serveGreetings(runtime: Runtime, opts: GreetingServerOptions): Task<void> {
  return runtime.executor.spawnLocal(async (cx) => {
    const { net } = cx.runtime.reactor;
    const listener = await net.listen({ host: opts.host ?? '127.0.0.1', port: opts.port });
    let greeted = 0;
    for await (const conn of listener) {
      cx.runtime.executor.spawnLocal(async () => {
        try {
          const lines = new LineReader(conn);
          for (let line = await lines.next(); line !== null; line = await lines.next()) {
            const name = line.startsWith('HELLO ') ? line.slice(6) : undefined;
            await conn.write(name === undefined ? 'ERR unknown command\n' : `HI ${name} #${++greeted}\n`);
          }
        } catch {
          // A client that resets or vanishes is its own problem.
        } finally {
          await conn.close();
        }
      }, { name: 'greeting-session' });
    }
  }, { name: 'greeting-server' });
}
