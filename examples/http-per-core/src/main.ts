// Runs the JSON service on every core: node examples/http-per-core/dist/src/main.js [--port 8080] [--host 127.0.0.1] [--workers N] [--listener runtime|native]
import { parseArgs } from 'node:util';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { startPerCore, stopPerCore, type PerCore } from './per-core.js';

/** A usage error names its flag and exits 2, before a runtime is created. */
function usage(message: string): never {
  console.error(`http-per-core: ${message}`);
  process.exit(2);
}

const options = { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, workers: { type: 'string' }, listener: { type: 'string', default: 'runtime' } } as const;
let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
try {
  ({ values } = parseArgs({ options }));
} catch (error) {
  // parseArgs names the flag (unknown, or a bare --port); its first sentence is the whole story.
  usage((error as Error).message.split(/\.\s|\n/)[0]!);
}
const port = Number(values.port);
if (!/^\d+$/.test(values.port) || port > 65535) usage(`--port must be an integer from 0 to 65535, got ${JSON.stringify(values.port)}`);
const workers = values.workers === undefined ? undefined : Number(values.workers);
if (workers !== undefined && (!/^\d+$/.test(values.workers!) || workers < 1 || workers > 256)) usage(`--workers must be an integer from 1 to 256, got ${JSON.stringify(values.workers)}`);
const listener = values.listener;
if (listener !== 'runtime' && listener !== 'native') usage(`--listener must be runtime or native, got ${JSON.stringify(listener)}`);
if (values.host === '') usage('--host must not be empty');

// Requests run on each worker's event loop, not as tasks: a few shared task slots are plenty (the
// defaults, sized for heavy spawning, put about 6 MiB of slot records in every process).
const rt = await WorkStealingRuntime.create({ stealing: false, mainSlots: 1024, workerSlots: 1024, ...(workers === undefined ? {} : { workers }) });
let service: PerCore;
try {
  service = await startPerCore(rt, { host: values.host, port, listener });
} catch (error) {
  // A port in use is the usual cause. Worker 0 may be listening when another worker fails: stop what
  // started and the pool, or its threads would outlive the message.
  console.error(`http-per-core: ${error instanceof Error ? error.message : String(error)}`);
  await stopPerCore(rt).catch(() => {});
  await rt.shutdown();
  process.exit(1);
}
// One JSON line: scripts (the benchmark) read the port and the mode from it.
console.log(JSON.stringify({ url: `http://${values.host}:${service.port}/hello`, port: service.port, workers: rt.workers, listening: service.listening, reusePort: service.reusePort, listener }));

// The pool's threads do not keep the process up (a runtime with nothing in flight lets it exit): the
// servers are the workers' business, so main holds the process until a signal.
const alive = setInterval(() => {}, 1 << 30);
let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  clearInterval(alive);
  void stopPerCore(rt).finally(() => rt.shutdown());
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
