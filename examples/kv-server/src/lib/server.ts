// KvServer: accepts connections and serves RESP2 commands, using only an injected executor, net and clock.
import { CLOCK, EXECUTOR, NET } from '@runtime-traits/core';
import type { Clock, Connection, Executor, ListenAddress, Listener, Net, SocketAddress, Task } from '@runtime-traits/core';
import { inject, injectable, optional } from 'inversify';
import { execute } from './commands/dispatch.js';
import { ConnectionClient } from './connection-client.js';
import { ServerState } from './server-state.js';
import type { KvServerOptions } from './server-state.js';
import type { Store } from './store.js';

/** Bind `KvServerOptions` here to configure the KvServer the container builds (limits). */
export const KV_SERVER_OPTIONS: symbol = Symbol.for('@runtime-traits-examples/kv-server/KvServerOptions');

@injectable()
export class KvServer {
  /** What every connection shares: the keyspace, limits, counters. */
  readonly state: ServerState;
  private listener: Listener | null = null;
  private acceptLoop: Task<void> | null = null;
  /** Open connections and the task serving each; emptied by `close()`. */
  private readonly connections = new Map<Connection, Task<void>>();

  constructor(
    @inject(EXECUTOR) private readonly executor: Executor,
    @inject(NET) private readonly net: Net,
    @inject(CLOCK) clock: Clock,
    @inject(KV_SERVER_OPTIONS) @optional() options?: KvServerOptions,
  ) {
    this.state = new ServerState(clock, options);
  }

  get store(): Store {
    return this.state.store;
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
    if ('port' in listener.address) this.state.port = listener.address.port;
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

  /**
   * Serves one client until it quits, hangs up or sends a malformed frame. Every command parsed
   * from one read runs in the same synchronous turn, and their replies go out in one write.
   */
  private async serve(conn: Connection): Promise<void> {
    const { state } = this;
    const client = new ConnectionClient(state, conn);
    const { session, cx } = client;
    try {
      for (;;) {
        const chunk = await conn.read();
        if (chunk === null) break;
        const { commands, error } = client.feed(chunk);
        for (const args of commands) {
          execute(args, cx);
          if (session.quit) break;
        }
        if (error?.reply && !session.quit) cx.out.error(`ERR Protocol error: ${error.message}`);
        state.store.sweep();
        if (cx.out.length > 0) await conn.write(cx.out.take());
        if (session.quit || error) break;
      }
    } catch {
      // The peer reset the connection or the runtime is shutting down: nothing to reply to.
    } finally {
      state.close(session);
      await conn.close();
    }
  }
}
