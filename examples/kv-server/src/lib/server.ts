// KvServer: accepts connections and serves RESP2 commands, using only an injected executor, net and clock.
import { CLOCK, EXECUTOR, NET } from '@runtime-traits/core';
import type { Clock, Connection, Executor, ListenAddress, Listener, Net, SocketAddress, Task } from '@runtime-traits/core';
import { inject, injectable } from 'inversify';
import { execute } from './commands.js';
import type { CommandContext } from './commands.js';
import { RespParser } from './resp-parser.js';
import { RespWriter } from './resp-writer.js';
import { Store } from './store.js';

@injectable()
export class KvServer {
  readonly store: Store;
  private listener: Listener | null = null;
  private acceptLoop: Task<void> | null = null;
  /** Open connections and the task serving each; emptied by `close()`. */
  private readonly connections = new Map<Connection, Task<void>>();

  constructor(
    @inject(EXECUTOR) private readonly executor: Executor,
    @inject(NET) private readonly net: Net,
    @inject(CLOCK) clock: Clock,
  ) {
    this.store = new Store(clock);
  }

  /** The address it listens on (with the real port when asked for port 0). */
  get address(): SocketAddress {
    if (!this.listener) throw new Error('KvServer is not listening: call listen() first');
    return this.listener.address;
  }

  /** Starts listening and accepting; resolves once connections are accepted. */
  async listen(at: ListenAddress = { port: 6379 }): Promise<SocketAddress> {
    if (this.listener) throw new Error('KvServer is already listening');
    const listener = await this.net.listen(at);
    this.listener = listener;
    this.acceptLoop = this.executor.spawnLocal(async () => {
      for (;;) {
        const conn = await listener.accept();
        if (conn === null) return;
        const task = this.executor.spawnLocal(() => this.serve(conn), { name: 'kv-connection' });
        this.connections.set(conn, task);
        task.then(() => this.connections.delete(conn), () => this.connections.delete(conn));
      }
    }, { name: 'kv-accept' });
    return listener.address;
  }

  /** Stops accepting, closes every connection and waits until all are done. Idempotent. */
  async close(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    await listener.close();
    await this.acceptLoop?.then(() => undefined, () => undefined);
    await Promise.all([...this.connections].map(async ([conn, task]) => {
      await conn.close();
      await task.then(() => undefined, () => undefined);
    }));
  }

  /** Serves one client until it quits, hangs up or sends a malformed frame. */
  private async serve(conn: Connection): Promise<void> {
    const parser = new RespParser();
    const cx: CommandContext = { store: this.store, out: new RespWriter(), quit: false };
    try {
      for (;;) {
        const chunk = await conn.read();
        if (chunk === null) break;
        const { commands, error } = parser.feed(chunk);
        for (const args of commands) {
          execute(args, cx);
          if (cx.quit) break;
        }
        if (error && !cx.quit) cx.out.error(`ERR Protocol error: ${error.message}`);
        this.store.sweep();
        if (cx.out.length > 0) await conn.write(cx.out.take());
        if (cx.quit || error) break;
      }
    } catch {
      // The peer reset the connection or the runtime is shutting down: nothing to reply to.
    } finally {
      await conn.close();
    }
  }
}
