// The kv-server app: picks a runtime, wires the KvServer library to it with inversify, serves until a signal.
//
//   npm run kv-server -- --runtime <node|local|worksteal> --port <port> [--host 127.0.0.1]
//   npm run kv-server -- --runtime worksteal --shards [--workers N] --port <port>   (shard-per-core)
//
// Prints `listening on <host>:<port>` once connections are accepted (--port 0 picks a free port and
// prints it). SIGINT/SIGTERM close the server, shut the runtime down, and the process exits by itself.
import { Container } from 'inversify';
import { loadRuntime, RUNTIME_NAMES, runtimeModule } from '@runtime-traits/inversify';
import type { LoadRuntimeOptions, RuntimeName } from '@runtime-traits/inversify';
import { KvServer } from './lib/index.js';

/** A usage error names its flag and exits 2, before a runtime is created. */
function usage(message: string): never {
  console.error(`kv-server: ${message}`);
  process.exit(2);
}

function option(flag: string, fallback: string): string {
  const at = process.argv.indexOf(flag);
  if (at < 0) return fallback;
  const value = process.argv[at + 1];
  // A bare flag is a mistake, not a request for the default (--port alone used to serve on 6379).
  if (value === undefined || value.startsWith('--')) usage(`${flag} needs a value`);
  return value;
}

/** An integer flag from `min` to `max`: Number('') is 0, so --port '' would have picked a random port. */
function integer(flag: string, fallback: string, min: number, max: number): number {
  const text = option(flag, fallback);
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) usage(`${flag} must be an integer from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

const name = option('--runtime', process.env.RUNTIME ?? 'node');
if (!(RUNTIME_NAMES as readonly string[]).includes(name)) usage(`--runtime must be one of ${RUNTIME_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
const host = option('--host', '127.0.0.1');
const port = integer('--port', '6379', 0, 65535);

if (process.argv.includes('--shards')) {
  if (name !== 'worksteal') usage(`--shards needs --runtime worksteal (a thread-per-core runtime), got --runtime ${name}`);
  const workers = process.argv.includes('--workers') ? integer('--workers', '', 1, 256) : undefined; // worksteal's limit
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
    runtime = await loadRuntime(name as RuntimeName, opts);
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
