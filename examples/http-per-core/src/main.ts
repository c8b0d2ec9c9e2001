// Runs the JSON service on every core: node examples/http-per-core/dist/src/main.js [--port 8080] [--host 127.0.0.1] [--workers N] [--listener runtime|native]
import { parseArgs } from 'node:util';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { startPerCore, stopPerCore } from './per-core.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, host: { type: 'string', default: '127.0.0.1' }, workers: { type: 'string' }, listener: { type: 'string', default: 'runtime' } } });
const port = Number(values.port);
const workers = values.workers === undefined ? undefined : Number(values.workers);
if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`--port must be an integer from 0 to 65535, got ${values.port}`);

// Requests run on each worker's event loop, not as tasks: a few shared task slots are plenty (the
// defaults, sized for heavy spawning, put about 6 MiB of slot records in every process).
const rt = await WorkStealingRuntime.create({ stealing: false, mainSlots: 1024, workerSlots: 1024, ...(workers === undefined ? {} : { workers }) });
const service = await startPerCore(rt, { host: values.host, port, listener: values.listener as 'runtime' | 'native' });
// One JSON line: scripts (the benchmark) read the port and the mode from it.
console.log(JSON.stringify({ url: `http://${values.host}:${service.port}/hello`, port: service.port, workers: rt.workers, listening: service.listening, reusePort: service.reusePort, listener: values.listener }));

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
