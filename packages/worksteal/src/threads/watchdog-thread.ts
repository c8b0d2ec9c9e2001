// The watchdog thread's entry point: from the main thread's first join on, holds the far end of every pool thread's life port and marks a thread dead when its port closes.
//
// It never runs task code, so it is never too busy to notice: a close event arrives within one turn
// of its event loop, while the main thread may be blocked in join and cannot receive a worker's exit
// event. See liveness.ts.
import { workerData, type MessagePort } from 'node:worker_threads';
import { Shared } from '../memory/shared.js';
import { markDead, Why } from './liveness.js';
import type { ToWatchdog, WatchdogInit } from './messages.js';

const init = workerData as WatchdogInit;
const shared = new Shared(init.config, init.buffers);
const watched = new Set<MessagePort>();

init.port.on('message', (message: ToWatchdog) => {
  if (message.t === 'stop') {
    for (const port of watched) port.close();
    init.port.close();
    return;
  }
  const { e, epoch, port } = message;
  watched.add(port);
  port.on('close', () => {
    watched.delete(port);
    markDead(shared, e, epoch, Why.PORT_CLOSED);
  });
  port.start(); // (nothing is ever sent on it: it only tells that the other end is gone)
});
