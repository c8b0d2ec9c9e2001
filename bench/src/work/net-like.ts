// The same socket workloads over any net-like API: node:net itself, or node-compat's NodeSocket/NodeServer over a runtime.
// Both ends are the same kind; the server pipes each socket into itself (echo). Each returns the data phase's ms.
import { once } from 'node:events';
import net from 'node:net';
import { Duplex } from 'node:stream';

export interface NetLike {
  createServer(onConnection: (socket: Duplex) => void): net.Server;
  connect(port: number, host: string): Duplex;
}

/** node:net itself, Nagle off at both ends (as the runtimes' connections have it). */
export const rawNet: NetLike = {
  createServer: (onConnection) => net.createServer({ noDelay: true }, onConnection),
  connect: (port, host) => net.connect({ port, host, noDelay: true }),
};

/**
 * The leanest Duplex over a net.Socket: chunks pushed as they come (the socket paused while push() says
 * no), writes straight through with their callback; no checks, no timers, no error mapping. A reference:
 * what any stream layered on node:net costs, whoever writes it.
 */
function leanDuplex(socket: net.Socket): Duplex {
  const duplex = new Duplex({
    read() { socket.resume(); },
    write(chunk: Buffer, _encoding, done) { socket.write(chunk, done); },
    final(done) { socket.end(done); },
    destroy(error, done) { socket.destroy(); done(error); },
  });
  socket.on('data', (chunk: Buffer) => { if (!duplex.push(chunk)) socket.pause(); });
  socket.on('end', () => duplex.push(null));
  socket.on('error', (error) => duplex.destroy(error));
  socket.on('connect', () => duplex.emit('connect'));
  return duplex;
}

/** node:net under the leanest Duplex at both ends (see leanDuplex). */
export const leanDuplexNet: NetLike = {
  createServer: (onConnection) => net.createServer({ noDelay: true }, (socket) => onConnection(leanDuplex(socket))),
  connect: (port, host) => leanDuplex(net.connect({ port, host, noDelay: true })),
};

async function open(api: NetLike): Promise<{ client: Duplex; close: () => Promise<void> }> {
  const server = api.createServer((s) => {
    s.on('error', () => undefined); // the client may reset it while closing
    s.pipe(s);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  const client = api.connect(port, '127.0.0.1');
  await once(client, 'connect');
  return {
    client,
    close: async () => {
      client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes `totalBytes` in `chunkBytes` writes (honouring 'drain') through the echo and reads them all back. */
export async function echoOver(api: NetLike, totalBytes: number, chunkBytes: number): Promise<number> {
  const { client, close } = await open(api);
  const chunk = Buffer.alloc(chunkBytes, 0x61);
  const t0 = performance.now();
  const done = new Promise<void>((resolve, reject) => {
    let received = 0;
    client.on('data', (data: Buffer) => {
      received += data.byteLength;
      if (received >= totalBytes) resolve();
    });
    client.once('error', reject);
    client.once('end', () => reject(new Error(`echo ended after ${received} bytes`)));
  });
  for (let sent = 0; sent < totalBytes; sent += chunkBytes) {
    if (!client.write(chunk)) await once(client, 'drain');
  }
  await done;
  const ms = performance.now() - t0;
  client.removeAllListeners('end');
  await close();
  return ms;
}

/** `rounds` one-byte round trips: write, wait for the echo in 'data', write again. */
export async function pingPongOver(api: NetLike, rounds: number): Promise<number> {
  const { client, close } = await open(api);
  const one = Buffer.from([0x2a]);
  const t0 = performance.now();
  await new Promise<void>((resolve, reject) => {
    let r = 0;
    client.on('data', (data: Buffer) => {
      if (data.byteLength !== 1) { reject(new Error(`round ${r}: got ${data.byteLength} bytes`)); return; }
      if (++r === rounds) resolve();
      else client.write(one);
    });
    client.once('error', reject);
    client.write(one);
  });
  const ms = performance.now() - t0;
  await close();
  return ms;
}
