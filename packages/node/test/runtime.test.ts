// NodeRuntime as a whole: capabilities, options, metrics, graceful shutdown, await using, the pool's knobs.
import { expect } from 'chai';
import { CancelledError } from '@runtime-traits/core';
import { NodeReactor, NodeRuntime } from '../src/index.js';
import { createServer, type AddressInfo } from 'node:net';
import { hasReusePort } from '../src/capabilities.js';
import { connectedPair, outcome } from './helpers.js';
import { sumBytes } from './fixtures/tasks.js';

describe('NodeRuntime as a whole', () => {
  describe('capabilities', () => {
    it('should claim net.reusePort exactly when two listeners can share a port here, and honour it', async () => {
      // The test's own try, independent of the runtime's probe: a second reusePort listener on the same port.
      const first = createServer();
      const second = createServer();
      const port = await new Promise<number>((resolve) => first.listen({ host: '127.0.0.1', port: 0, reusePort: true } as object, () => resolve((first.address() as AddressInfo).port)));
      const shared = await new Promise<boolean>((resolve) => {
        second.once('error', () => resolve(false));
        second.listen({ host: '127.0.0.1', port, reusePort: true } as object, () => resolve(true));
      });
      first.close();
      if (second.listening) second.close();
      const rt = await NodeRuntime.create();
      try {
        expect(rt.capabilities.has('net.reusePort'), `net.reusePort claimed (two listeners on one port worked: ${shared})`).to.equal(shared);
        if (shared) {
          const a = await rt.reactor.net.listen({ port: 0 }, { reusePort: true });
          const b = await rt.reactor.net.listen({ port: (a.address as { port: number }).port }, { reusePort: true });
          await Promise.all([a.close(), b.close()]);
        } else {
          expect(await outcome(rt.reactor.net.listen({ port: 0 }, { reusePort: true }))).to.have.property('code', 'ERR_UNSUPPORTED');
        }
      } finally {
        await rt.shutdown();
      }
    });

    it('should list what this Node can do, and nothing it cannot', async () => {
      const rt = await NodeRuntime.create();
      const expected = ['spawn.blocking', 'net.tcp', 'net.udp', 'net.dns', 'net.tls'];
      if (process.platform !== 'win32') expected.push('net.unix');
      if (hasReusePort()) expected.push('net.reusePort');
      expect([...rt.capabilities].sort()).to.deep.equal(expected.sort());
      expect(rt.name).to.equal('node');
      expect([...new NodeReactor().capabilities]).to.not.include('spawn.blocking');
      await rt.shutdown();
    });
  });

  describe('create', () => {
    it('should make an instance of the class it is called on, whose name getter wins', async () => {
      class AcmeRuntime extends NodeRuntime {
        override get name(): string { return 'acme'; }
      }
      const rt = await AcmeRuntime.create();
      try {
        expect(rt, 'AcmeRuntime.create() result').to.be.instanceOf(AcmeRuntime);
        expect(rt.name).to.equal('acme');
        expect(await rt.run((cx) => cx.runtime)).to.equal(rt);
      } finally {
        await rt.shutdown();
      }
    });


    it('should check its options, naming the bad one', async () => {
      expect(await outcome(NodeRuntime.create({ blockingThreads: 0 }))).to.be.instanceOf(RangeError).with.property('message').match(/blockingThreads/);
      expect(await outcome(NodeRuntime.create({ blockingThreads: 1e9 }))).to.be.instanceOf(RangeError).with.property('message').match(/blockingThreads/);
      expect(await outcome(NodeRuntime.create({ onUnhandledError: 'no' as never }))).to.be.instanceOf(TypeError).with.property('message').match(/onUnhandledError/);
      expect(await outcome(NodeRuntime.create('opts' as never))).to.be.instanceOf(TypeError);
    });
  });

  describe('metrics', () => {
    it('should count tasks waiting to start as queueDepth', async () => {
      const rt = await NodeRuntime.create();
      for (let i = 0; i < 5; i++) rt.executor.spawnLocal(() => i);
      expect(rt.metrics()).to.include({ spawned: 5, active: 5, queueDepth: 5 });
      await rt.executor.yieldNow();
      expect(rt.metrics()).to.include({ completed: 5, active: 0, queueDepth: 0 });
      await rt.shutdown();
    });
  });

  describe('shutdown with graceMs', () => {
    it('should let a task that finishes within the grace period complete, and cancel one that does not', async () => {
      const rt = await NodeRuntime.create();
      const quick = rt.executor.spawnLocal(async () => { await rt.executor.yieldNow(); return 'done'; });
      const slow = rt.executor.spawnLocal((cx) => rt.reactor.clock.sleep(3_600_000, { signal: cx.signal }));
      await rt.shutdown({ graceMs: 500 });
      expect(await quick).to.equal('done');
      expect(CancelledError.is(await outcome(slow))).to.equal(true);
    });

    it('should check graceMs', async () => {
      const rt = await NodeRuntime.create();
      expect(() => rt.shutdown({ graceMs: -5 })).to.throw(RangeError, /graceMs/);
      await rt.shutdown();
    });
  });

  describe('await using', () => {
    it('should shut the runtime down and close a connection on dispose', async () => {
      let escaped: NodeRuntime;
      let closedConn: Promise<void>;
      {
        await using rt = await NodeRuntime.create();
        escaped = rt;
        const { client, server } = await connectedPair(rt.reactor.net);
        {
          await using conn = client;
          closedConn = conn.closed;
        }
        expect(await server.read()).to.equal(null);
      }
      await closedConn;
      expect(() => escaped.executor.spawnLocal(() => 1)).to.throw(/shut down/);
    });
  });

  describe('a write waiting for the peer', () => {
    it('should reject with CancelledError when its signal aborts', async () => {
      const rt = await NodeRuntime.create();
      const { client } = await connectedPair(rt.reactor.net);
      const controller = new AbortController();
      const big = new Uint8Array(64 * 1024 * 1024); // far more than the socket buffers take at once
      const writing = client.write(big, { signal: controller.signal });
      controller.abort('enough');
      expect(CancelledError.is(await outcome(writing))).to.equal(true);
      await rt.shutdown();
    });
  });

  describe('the blocking pool', () => {
    it('should move transferred buffers instead of copying them', async () => {
      const rt = await NodeRuntime.create({ blockingThreads: 1 });
      const bytes = new Uint8Array([5, 6, 7]);
      const task = rt.executor.spawnBlocking(sumBytes, [bytes], { transfer: [bytes.buffer] });
      expect(await task).to.equal(18);
      expect(bytes.byteLength).to.equal(0); // detached: it moved to the other thread
      await rt.shutdown();
    });

    it('should let idle threads go after blockingIdleMs', async () => {
      const rt = await NodeRuntime.create({ blockingThreads: 1, blockingIdleMs: 10 });
      expect(await rt.executor.spawnBlocking(sumBytes, [new Uint8Array([1])])).to.equal(1);
      expect(rt.metrics().blockingThreads).to.equal(1);
      while (rt.metrics().blockingThreads !== 0) await rt.reactor.clock.sleep(5);
      expect(await rt.executor.spawnBlocking(sumBytes, [new Uint8Array([2])])).to.equal(2); // a fresh thread
      await rt.shutdown();
    });
  });
});

describe('NodeRuntime bad input', () => {
  let rt: NodeRuntime;
  beforeEach(async () => { rt = await NodeRuntime.create(); });
  afterEach(() => rt.shutdown());

  it('should accept backlog 0, as node:net does (the kernel applies its own minimum), like the local runtime', async () => {
    const net = rt.reactor.net;
    const listener = await net.listen({ host: '127.0.0.1', port: 0 }, { backlog: 0 });
    const client = await net.connect(listener.address);
    const server = (await listener.accept())!;
    await client.write('hi');
    expect(new TextDecoder().decode((await server.read())!)).to.equal('hi');
    await Promise.all([client.close(), server.close(), listener.close()]);
  });

  it('should throw at the call, naming the argument, for bad net arguments', async () => {
    const net = rt.reactor.net;
    expect(() => net.listen({ port: 0 }, { backlog: -1 })).to.throw(RangeError, /opts\.backlog/);
    expect(() => net.listen({ port: 0 }, { backlog: 1.5 })).to.throw(RangeError, /opts\.backlog/);
    expect(() => net.listen({ port: 0 }, { reusePort: 'yes' as never })).to.throw(TypeError, /opts\.reusePort/);
    expect(() => net.connect({ host: '127.0.0.1', port: 1 }, { noDelay: 1 as never })).to.throw(TypeError, /opts\.noDelay/);
    expect(() => net.connect({ host: '', port: 1 })).to.throw(TypeError, /to\.host/);
    expect(() => net.bindUdp({ path: '/tmp/x' } as never)).to.throw(TypeError, /at/);
    const udp = await net.bindUdp({ port: 0 });
    expect(() => udp.send('x', { path: '/tmp/x' })).to.throw(TypeError, /to/);
    expect(() => udp.send(42 as never, udp.address)).to.throw(TypeError, /data/);
  });

  it('should throw at the call for bad spawn options and join arguments', () => {
    expect(() => rt.executor.spawnLocal(() => 1, { signal: 'x' as never })).to.throw(TypeError, /opts\.signal/);
    expect(() => rt.executor.join({} as never, [], {} as never, [])).to.throw(TypeError, /\ba\b/);
  });
});
