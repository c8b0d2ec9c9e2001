// The kv-server app: picks a runtime, wires the KvServer library to it with inversify, serves until a signal.
//
//   npm run kv-server -- --runtime <node|local|worksteal> --port <port> [--host 127.0.0.1]
//   npm run kv-server -- --runtime worksteal --shards [--workers N] --port <port>   (shard-per-core)
//
// Prints `listening on <host>:<port>` once connections are accepted (--port 0 picks a free port and
// prints it). SIGINT/SIGTERM close the server, shut the runtime down, and the process exits by itself.
import { Container } from 'inversify';
import { loadRuntime, runtimeModule } from '@runtime-traits/inversify';
import type { LoadRuntimeOptions, RuntimeName } from '@runtime-traits/inversify';
import { KvServer } from './lib/index.js';

function option(flag: string, fallback: string): string {
  const at = process.argv.indexOf(flag);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

const name = option('--runtime', process.env.RUNTIME ?? 'node') as RuntimeName;
const host = option('--host', '127.0.0.1');
const port = Number(option('--port', '6379'));

if (process.argv.includes('--shards')) {
  if (name !== 'worksteal') {
    console.error(`kv-server: --shards needs --runtime worksteal (a thread-per-core runtime), got --runtime ${name}`);
    process.exit(2);
  }
  const workers = process.argv.includes('--workers') ? Number(option('--workers', '')) : undefined;
  const { runSharded } = await import('./shard/main-sharded.js');
  try {
    await runSharded(host, port, workers);
  } catch (error) {
    console.error(`kv-server: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
} else {
  await runSingle();
}

async function runSingle(): Promise<void> {
  // The local runtime simulates its network by default; a server for real clients drives it with
  // Node's reactor instead (tokio's current_thread runtime, in effect).
  let reactor: { close(): Promise<void> | void } | undefined;
  const opts: LoadRuntimeOptions = {};
  if (name === 'local') {
    const { NodeReactor } = await import('@runtime-traits/node');
    reactor = new NodeReactor();
    opts.reactor = reactor;
  }

  let runtime;
  try {
    runtime = await loadRuntime(name, opts);
  } catch (error) {
    console.error(`kv-server: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  }

  const module = runtimeModule(runtime);
  const container = new Container();
  container.load(module);
  container.bind(KvServer).toSelf().inSingletonScope();
  const server = container.get(KvServer);

  const stop = new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  try {
    await runtime.run(async () => {
      const address = await server.listen({ host, port });
      console.log(`listening on ${'path' in address ? address.path : `${address.host}:${address.port}`} (runtime: ${runtime.name})`);
      const signal = await stop;
      console.log(`${signal}: closing`);
      await server.close();
    });
  } catch (error) {
    console.error(`kv-server: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  } finally {
    await container.unloadAsync(module); // shuts the runtime down
    await reactor?.close();
  }
}
