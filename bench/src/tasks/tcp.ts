// The TCP workloads as portable tasks, so they run inside a worksteal worker on that worker's
// own reactor (sockets cannot cross threads: both ends live in the worker).
import { defineTask, type TaskContext } from '@runtime-traits/core';
import { echoThroughput, pingPong } from '../work/tcp-connection.js';
import { echoOver, pingPongOver, rawNet } from '../work/net-like.js';
import { promisePingPong } from '../work/tcp-raw.js';

const loopback = (cx: TaskContext) => ({
  server: cx.runtime.reactor.net, client: cx.runtime.reactor.net, listenAt: { host: '127.0.0.1', port: 0 }, connectHost: '127.0.0.1',
});

export const echoInWorker = defineTask(import.meta.url, 'echoInWorker',
  (cx: TaskContext, totalBytes: number, chunkBytes: number): Promise<number> => echoThroughput(loopback(cx), totalBytes, chunkBytes));

export const pingPongInWorker = defineTask(import.meta.url, 'pingPongInWorker',
  (cx: TaskContext, rounds: number): Promise<number> => pingPong(loopback(cx), rounds));

/** The same workloads on raw node:net sockets inside the worker: what the worker's own event loop allows. */
export const rawEchoInWorker = defineTask(import.meta.url, 'rawEchoInWorker',
  (_cx: TaskContext, totalBytes: number, chunkBytes: number): Promise<number> => echoOver(rawNet, totalBytes, chunkBytes));

export const rawPingPongInWorker = defineTask(import.meta.url, 'rawPingPongInWorker',
  (_cx: TaskContext, rounds: number): Promise<number> => pingPongOver(rawNet, rounds));

/** The leanest promise-based read/write loop on raw sockets (the bench's "raw promise loop"), inside the worker. */
export const leanPingPongInWorker = defineTask(import.meta.url, 'leanPingPongInWorker',
  (_cx: TaskContext, rounds: number): Promise<number> => promisePingPong(rounds));
