// The blocking pool's worker thread: imports a TaskDef's module by URL, runs it, and reports the outcome.
//
// Protocol (main ⇄ worker, one job at a time per worker):
//   main → { type: 'run', id, module, name, args }     run this export with these arguments
//   main → { type: 'cancel', id, reason }              abort that job's cx.signal
//   worker → { type: 'ready' }                         once, when this module has loaded
//   worker → { type: 'done', id, ok: true, value }     or { ok: false, error: ErrorRecord }
import { parentPort } from 'node:worker_threads';
import { CancelledError, type Runtime, type TaskContext, type TaskDef } from '@runtime-traits/core';
import { decodeError, encodeError, type ErrorRecord } from '@runtime-traits/core/kit';
import { resolveTask } from '@runtime-traits/kit';
import { NodeRuntime } from '../node-runtime.js';

interface RunMessage { type: 'run'; id: number; module: string; name: string; args: unknown[] }
interface CancelMessage { type: 'cancel'; id: number; reason: ErrorRecord | undefined }

const port = parentPort!;
const running = new Map<number, AbortController>();
let runtime: NodeRuntime | undefined;

/** This thread's own runtime, made the first time a task asks for `cx.runtime`. */
function threadRuntime(): Runtime {
  runtime ??= new NodeRuntime({ blockingThreads: 1 });
  return runtime;
}

port.on('message', (message: RunMessage | CancelMessage) => {
  if (message.type === 'cancel') {
    running.get(message.id)?.abort(message.reason === undefined ? undefined : decodeError(message.reason));
  } else {
    void run(message);
  }
});

port.postMessage({ type: 'ready' });

async function run(message: RunMessage): Promise<void> {
  const controller = new AbortController();
  running.set(message.id, controller);
  const cx: TaskContext = { signal: controller.signal, get runtime() { return threadRuntime(); } };
  let reply: { type: 'done'; id: number; ok: boolean; value?: unknown; error?: ErrorRecord };
  try {
    const def = await resolveTask({ module: message.module, name: message.name } as TaskDef<unknown[], unknown>);
    // Cancelled while its module loaded: the main side has its outcome already; do not start the body.
    if (controller.signal.aborted) throw new CancelledError('The task was cancelled before its body started');
    const value = await def.fn(cx, ...message.args);
    reply = { type: 'done', id: message.id, ok: true, value };
  } catch (error) {
    reply = { type: 'done', id: message.id, ok: false, error: encodeError(error) };
  } finally {
    running.delete(message.id);
  }
  try {
    port.postMessage(reply);
  } catch (error) {
    const why = new TypeError(`The result of ${message.name} cannot be sent back to the main thread: ${(error as Error).message}`);
    port.postMessage({ type: 'done', id: message.id, ok: false, error: encodeError(why) });
  }
}
