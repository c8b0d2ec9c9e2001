// Recipe: undici (Client, Pool, fetch's engine) dialling through a runtime: its `connect` option makes NodeSockets.
import http from 'node:http';
import type { Socket } from 'node:net';
import { Pool, type buildConnector } from 'undici';
import type { Reactor } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';
import { createConnection, serve } from '@runtime-traits/node-compat';
import { runMain } from './run-main.js';

/** undici's `connect` option: a NodeSocket over `reactor`, handed over once connected. */
export function runtimeConnect(reactor: Reactor): buildConnector.connector {
  return (opts, callback) => {
    const socket = createConnection(reactor, { host: opts.hostname, port: Number(opts.port) || 80 });
    const onError = (error: Error): void => callback(error, null);
    socket.once('error', onError).once('connect', () => {
      socket.off('error', onError);
      callback(null, socket as unknown as Socket);                    // a NodeSocket has net.Socket's shape, not its type
    });
  };
}

async function main(): Promise<void> {
  const rt = await NodeRuntime.create();
  const server = http.createServer((req, res) => res.end(`undici got ${req.url}`));
  const { port } = (await serve(server, rt.reactor, { port: 0 })) as { port: number };
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: 2, pipelining: 4, connect: runtimeConnect(rt.reactor) });
  const bodies = await Promise.all(['/1', '/2', '/3'].map(async (path) => (await pool.request({ path, method: 'GET' })).body.text()));
  console.log(bodies.join(', '));                                     // undici got /1, undici got /2, undici got /3
  await pool.close();
  await new Promise((resolve) => server.close(resolve));
  await rt.shutdown();
}

runMain(import.meta, main);
