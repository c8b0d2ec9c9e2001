// Recipe: ioredis through a runtime: its `Connector` option hands it a NodeSocket for every (re)connect.
import { AbstractConnector, Redis, type RedisOptions } from 'ioredis';
import type { Socket } from 'node:net';
import type { Reactor } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';
import { createConnection } from '@runtime-traits/node-compat';
import { runMain } from './run-main.js';

/** An ioredis Connector class whose streams are NodeSockets over `reactor`. */
export function runtimeConnector(reactor: Reactor): NonNullable<RedisOptions['Connector']> {
  return class RuntimeConnector extends AbstractConnector {
    private readonly options: RedisOptions;

    constructor(options: unknown) {
      const opts = options as RedisOptions;
      super(opts.disconnectTimeout ?? 2_000);
      this.options = opts;
    }

    connect() {
      this.connecting = true;
      const socket = createConnection(reactor, { host: this.options.host ?? '127.0.0.1', port: this.options.port ?? 6379 });
      socket.once('error', (error) => { this.firstError = error; });
      this.stream = socket as unknown as Socket;                      // a NodeSocket has net.Socket's shape, not its type
      return Promise.resolve(this.stream);
    }
  };
}

async function main(): Promise<void> {
  const rt = await NodeRuntime.create();
  const port = Number(process.env.REDIS_PORT ?? 6379);
  // No retries: without a Redis at `port` the first command fails and the program ends (ioredis's
  // default would reconnect, and report each failure, for ever).
  const redis = new Redis({ host: '127.0.0.1', port, Connector: runtimeConnector(rt.reactor), maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.set('recipe', 'over a runtime');
    console.log(`ioredis: ${await redis.get('recipe')}`);
  } finally {
    redis.disconnect();
    await rt.shutdown();
  }
}

runMain(import.meta, main);
