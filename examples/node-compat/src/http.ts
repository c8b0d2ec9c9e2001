// Recipe: Node's own http — a client whose Agent dials through a runtime, and an http.Server that accepts through one.
import http from 'node:http';
import type { Reactor } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';
import { createConnection, serve, type ConnectTarget } from '@runtime-traits/node-compat';
import { runMain } from './run-main.js';

/** An http.Agent (keep-alive unless told otherwise) whose sockets are NodeSockets over `reactor`'s network. */
export function runtimeAgent(reactor: Reactor, options: http.AgentOptions = { keepAlive: true }): http.Agent {
  const agent = new http.Agent(options);
  // http hands over net.connect's options (host, port, timeout…): NodeSocket takes them as net.connect does.
  agent.createConnection = (opts) => createConnection(reactor, opts as ConnectTarget);
  return agent;
}

async function main(): Promise<void> {
  const rt = await NodeRuntime.create();
  const server = http.createServer({ keepAliveTimeout: 2_000 }, (req, res) => res.end(`hello from ${req.url}`));
  const at = await serve(server, rt.reactor, { port: 0 });            // listens through the runtime, emits 'listening'
  const { port } = at as { port: number };
  const agent = runtimeAgent(rt.reactor);
  for (const path of ['/a', '/b']) {
    const body = await new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => { text += chunk; }).on('end', () => resolve(text));
      }).on('error', reject);
    });
    console.log(body);                                                // hello from /a, hello from /b: one kept-alive socket
  }
  agent.destroy();
  await new Promise((resolve) => server.close(resolve));
  await rt.shutdown();
}

runMain(import.meta, main);
