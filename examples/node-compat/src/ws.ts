// Recipe: ws — a WebSocket client dialling through a runtime, and a WebSocketServer on an http.Server served through one.
import http from 'node:http';
import type { createConnection as netConnect } from 'node:net';
import WebSocket, { WebSocketServer, type ClientOptions } from 'ws';
import type { Reactor } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';
import { createConnection, serve, type ConnectTarget } from '@runtime-traits/node-compat';
import { runMain } from './run-main.js';

/** A WebSocket whose TCP connection is a NodeSocket over `reactor` (handshakeTimeout runs on its clock). */
export function runtimeWebSocket(reactor: Reactor, url: string, options: ClientOptions = {}): WebSocket {
  return new WebSocket(url, {
    ...options,
    // ws hands over net.connect's options: host, port and `timeout` (its handshakeTimeout), honoured on the runtime's clock.
    createConnection: ((opts: ConnectTarget) => createConnection(reactor, opts)) as unknown as typeof netConnect,
  });
}

async function main(): Promise<void> {
  const rt = await NodeRuntime.create();
  const server = http.createServer();
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.on('message', (data) => ws.send(`echo: ${String(data)}`)));
  const { port } = (await serve(server, rt.reactor, { port: 0 })) as { port: number };
  const ws = runtimeWebSocket(rt.reactor, `ws://127.0.0.1:${port}/`, { handshakeTimeout: 5_000 });
  ws.on('open', () => ws.send('hi'));
  console.log(String(await new Promise((resolve) => ws.once('message', resolve))));  // echo: hi
  ws.close();
  wss.close();
  await new Promise((resolve) => server.close(resolve));
  await rt.shutdown();
}

runMain(import.meta, main);
