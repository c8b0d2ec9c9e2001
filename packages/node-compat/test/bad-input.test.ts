// Bad arguments fail at the call with a TypeError or RangeError naming the argument.
import { expect } from 'chai';
import net from 'node:net';
import { NodeRuntime } from '@runtime-traits/node';
import { createConnection, createServer, createSocket, serve, toNodeSocket } from '../src/index.js';

describe('node-compat bad input', () => {
  let rt: NodeRuntime;
  before(async () => { rt = await NodeRuntime.create(); });
  after(() => rt.shutdown());

  it('should name net when the first argument is not a Net or a Reactor', () => {
    for (const bad of [undefined, null, 42, {}, { connect() {} }]) {
      expect(() => createConnection(bad as never, { port: 1, host: '127.0.0.1' })).to.throw(TypeError, /^net /);
      expect(() => createSocket(bad as never)).to.throw(TypeError, /^net /);
      expect(() => createServer(bad as never)).to.throw(TypeError, /^net /);
    }
  });

  it('should ask for the clock when given a bare Net, and take one in options.clock', () => {
    expect(() => createConnection(rt.reactor.net, { port: 1, host: '127.0.0.1' })).to.throw(TypeError, /bare Net/);
    expect(() => createSocket(rt.reactor.net, { clock: {} as never })).to.throw(TypeError, /options\.clock/);
    const socket = createSocket(rt.reactor.net, { clock: rt.reactor.clock });
    expect(socket.pending).to.equal(true);
  });

  it('should reject a port out of range with a RangeError naming options.port', () => {
    expect(() => createConnection(rt.reactor, { port: 70000, host: '127.0.0.1' })).to.throw(RangeError, /options\.port/);
    expect(() => createConnection(rt.reactor, { port: -1, host: '127.0.0.1' })).to.throw(RangeError, /options\.port/);
    expect(() => createConnection(rt.reactor, { port: 1.5, host: '127.0.0.1' })).to.throw(RangeError, /options\.port/);
    expect(() => createConnection(rt.reactor, { port: true as never, host: '127.0.0.1' })).to.throw(TypeError, /options\.port/);
    expect(() => createServer(rt.reactor).listen(65536)).to.throw(RangeError, /port/);
  });

  it('should accept a numeric string port, as node:net does (undici passes one)', async () => {
    const server = net.createServer((s) => s.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const socket = createConnection(rt.reactor, { port: String((server.address() as net.AddressInfo).port), host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('should want a host for a TCP connect, naming options.host', () => {
    expect(() => createConnection(rt.reactor, { port: 80 } as never)).to.throw(TypeError, /options\.host/);
    expect(() => createSocket(rt.reactor).connect(80)).to.throw(TypeError, /options\.host/);
    expect(() => createConnection(rt.reactor, {} as never)).to.throw(TypeError, /port .*path|path/);
  });

  it('should name conn, server and at', () => {
    expect(() => toNodeSocket({} as never)).to.throw(TypeError, /^conn /);
    expect(() => serve({} as never, rt.reactor, { port: 0 })).to.throw(TypeError, /^server /);
    expect(() => serve(net.createServer(), rt.reactor, { port: 99999 })).to.throw(RangeError, /at\.port/);
    expect(() => serve(net.createServer(), rt.reactor, 'x' as never)).to.throw(TypeError, /^at /);
  });

  it('should name connectListener and connectionListener when they are not functions', () => {
    expect(() => createServer(rt.reactor, {}, 'x' as never)).to.throw(TypeError, /connectionListener/);
  });
});
