// Simulation: hosts by name, honest TCP under partition, loss and crashes, UDP that really loses, replay by seed.
import { CancelledError, NetError, RuntimeShutdownError, TimeoutError, type Connection, type Runtime, type TaskContext } from '@runtime-traits/core';
import { expect } from 'chai';
import { Simulation } from '../src/index.js';

const text = (bytes: Uint8Array | null): string | null => (bytes === null ? null : new TextDecoder().decode(bytes));

/** Spawns an echo server on `host` at 0.0.0.0:`port`: every connection gets its bytes back, then FIN. */
function echoServer(rt: Runtime, port = 7): void {
  rt.executor.spawnLocal(async (cx) => {
    const listener = await cx.runtime.reactor.net.listen({ host: '0.0.0.0', port });
    for await (const conn of listener) {
      cx.runtime.executor.spawnLocal(async () => {
        for await (const chunk of conn) await conn.write(chunk);
        await conn.close();
      }, { name: 'echo' });
    }
  }, { name: 'echo-listener' });
}

async function readAll(conn: Connection): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const chunk of conn) parts.push(chunk);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) { out.set(part, at); at += part.length; }
  return out;
}

function pattern(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + (i >> 8)) & 255;
  return out;
}

/** A connection from the host running `cx` to host 'server' port 9 (listening there now), and the end 'server' accepted. */
async function connectToServer(cx: TaskContext, server: Runtime): Promise<{ conn: Connection; peer: Connection }> {
  const listener = await server.reactor.net.listen({ host: '0.0.0.0', port: 9 });
  const conn = await cx.runtime.reactor.net.connect({ host: 'server', port: 9 });
  return { conn, peer: (await listener.accept())! };
}

describe('Simulation', () => {
  let sim: Simulation;
  afterEach(() => sim?.shutdown());

  describe('hosts and names', () => {
    it('resolves a host by name and reaches it with connect({ host: name, port })', async () => {
      sim = new Simulation({ seed: 1 });
      echoServer(sim.host('server'));
      const result = await sim.host('client').run(async (cx) => {
        const { net } = cx.runtime.reactor;
        const [ip] = await net.lookup('server');
        const conn = await net.connect({ host: 'server', port: 7 });
        await conn.write('ping');
        await conn.closeWrite();
        return { ip, echoed: text(await readAll(conn)), remote: conn.remoteAddress };
      });
      expect(result.ip).to.match(/^10\.0\.\d+\.\d+$/);
      expect(result.echoed).to.equal('ping');
      expect(result.remote).to.deep.equal({ host: result.ip, port: 7 });
    });

    it('serves other hosts only from 0.0.0.0: a listener on 127.0.0.1 refuses them but accepts its own host', async () => {
      sim = new Simulation({ seed: 2 });
      const server = sim.host('server');
      server.executor.spawnLocal(async (cx) => {
        const listener = await cx.runtime.reactor.net.listen({ host: '127.0.0.1', port: 80 });
        for await (const conn of listener) await conn.close();
      });
      const fromClient = await sim.host('client').run((cx) => cx.runtime.reactor.net.connect({ host: 'server', port: 80 }).catch((e: NetError) => e.code));
      const fromItself = await server.run(async (cx) => {
        const conn = await cx.runtime.reactor.net.connect({ host: '127.0.0.1', port: 80 });
        return conn.localAddress;
      });
      expect(fromClient).to.equal('ECONNREFUSED');
      expect(fromItself).to.have.property('host', '127.0.0.1');
    });

    it('refuses a second listener on the same port with EADDRINUSE, also across 0.0.0.0', async () => {
      sim = new Simulation({ seed: 3 });
      const codes = await sim.host('a').run(async (cx) => {
        const { net } = cx.runtime.reactor;
        await net.listen({ host: '0.0.0.0', port: 5000 });
        const again = await net.listen({ host: '127.0.0.1', port: 5000 }).catch((e: NetError) => e.code);
        const other = await net.listen({ host: 'a', port: 5001 }).then(() => 'ok');
        return [again, other];
      });
      expect(codes).to.deep.equal(['EADDRINUSE', 'ok']);
    });

    it('fails lookup() and connect() of an unknown name with ENOTFOUND', async () => {
      sim = new Simulation({ seed: 4 });
      const codes = await sim.host('a').run(async (cx) => {
        const { net } = cx.runtime.reactor;
        return [
          await net.lookup('nobody').catch((e: NetError) => e.code),
          await net.connect({ host: 'nobody', port: 1 }).catch((e: NetError) => e.code),
        ];
      });
      expect(codes).to.deep.equal(['ENOTFOUND', 'ENOTFOUND']);
    });
  });

  describe('latency and TCP', () => {
    it('takes exactly the link latency each way: a handshake and one echo cost two round trips', async () => {
      sim = new Simulation({ seed: 5, latency: { min: 25, max: 25 } });
      echoServer(sim.host('server'));
      const elapsed = await sim.host('client').run(async (cx) => {
        const { net, clock } = cx.runtime.reactor;
        const start = clock.now();
        const conn = await net.connect({ host: 'server', port: 7 });
        await conn.write('x');
        await conn.read();
        return clock.now() - start;
      });
      expect(elapsed).to.equal(100);
    });

    it('makes write() wait once a window of unread bytes is in flight, then delivers everything intact', async () => {
      sim = new Simulation({ seed: 6, tcpWindow: 4096 });
      const server = sim.host('server');
      const result = await sim.host('client').run(async (cx) => {
        const { executor, reactor } = cx.runtime;
        const { conn, peer } = await connectToServer(cx, server);
        let accepted = 0;
        const writer = executor.spawnLocal(async () => {
          for (let i = 0; i < 64; i++) { await conn.write(pattern(1000)); accepted += 1000; }
          await conn.closeWrite();
        });
        await reactor.clock.sleep(1000); // the peer reads nothing for a virtual second
        const stalledAt = accepted;
        const got = await readAll(peer);
        await writer;
        return { stalledAt, total: got.length, intact: got.every((b, i) => b === pattern(1000)[i % 1000]) };
      });
      expect(result.stalledAt).to.be.at.most(4096);
      expect(result.total).to.equal(64_000);
      expect(result.intact).to.equal(true);
    });

    it('closeWrite() still sends a write waiting for the window, then FIN; later writes fail EPIPE', async () => {
      sim = new Simulation({ seed: 15, tcpWindow: 1000 });
      const server = sim.host('server');
      const result = await sim.host('client').run(async (cx) => {
        const { conn, peer } = await connectToServer(cx, server);
        const big = conn.write(pattern(5000)); // five windows: most of it waits
        let finished = false;
        const ending = conn.closeWrite().then(() => { finished = true; });
        const late = await conn.write('x').catch((e: NetError) => e.code);
        await cx.runtime.reactor.clock.sleep(100);
        const finishedBeforeRead = finished; // (its writes still wait: the node runtime's closeWrite() waits for them too)
        const got = await readAll(peer);
        await big;
        await ending;
        return { late, got: got.length, finishedBeforeRead };
      });
      expect(result).to.deep.equal({ late: 'EPIPE', got: 5000, finishedBeforeRead: false });
    });

    it('close() first sends writes waiting for the window, then FIN, and resolves once they went (as the node runtime flushes)', async () => {
      sim = new Simulation({ seed: 15, tcpWindow: 1000 });
      const server = sim.host('server');
      const result = await sim.host('client').run(async (cx) => {
        const { conn, peer } = await connectToServer(cx, server);
        const big = conn.write(pattern(5000)).then(() => 'sent', (e: NetError) => e.code);
        const reading = readAll(peer);
        const answered = peer.write('a reply nobody reads'); // arrives while close() flushes: dropped, no RST
        await conn.close();
        const got = await reading;
        await answered;
        return { big: await big, got: got.length, intact: got.every((b, i) => b === pattern(5000)[i]), late: await conn.write('x').catch((e: NetError) => e.code) };
      });
      expect(result).to.deep.equal({ big: 'sent', got: 5000, intact: true, late: 'EPIPE' });
    });

    it('close() gives up flushing after 2 s when the peer does not read: the waiting write fails EPIPE, the peer reads what came, then null', async () => {
      sim = new Simulation({ seed: 15, tcpWindow: 1000 });
      const server = sim.host('server');
      const result = await sim.host('client').run(async (cx) => {
        const { clock, net } = cx.runtime.reactor;
        const { conn, peer } = await connectToServer(cx, server);
        const big = conn.write(pattern(5000)).then(() => 'sent', (e: NetError) => e.code);
        const t0 = clock.now();
        await conn.close();
        const closedAfter = clock.now() - t0;
        return { closedAfter, big: await big, got: (await readAll(peer)).length };
      });
      expect(result).to.deep.equal({ closedAfter: 2000, big: 'EPIPE', got: 1000 });
    });

    it('an aborted write rejects, but its bytes still go out before the next write\'s: the stream is never torn', async () => {
      sim = new Simulation({ seed: 16, tcpWindow: 1000 });
      const server = sim.host('server');
      const result = await sim.host('client').run(async (cx) => {
        const { clock, net } = cx.runtime.reactor;
        const { conn, peer } = await connectToServer(cx, server);
        const stop = new AbortController();
        const big = conn.write(pattern(5000), { signal: stop.signal }).then(() => 'sent', (e: Error) => e.name);
        await clock.sleep(20);
        stop.abort();
        const tail = conn.write('tail');
        const reading = readAll(peer);
        await conn.closeWrite(); // once every byte owed went out
        const got = await reading;
        await tail;
        return { big: await big, got: got.length, intact: got.subarray(0, 5000).every((b, i) => b === pattern(5000)[i]), tail: text(got.subarray(5000)) };
      });
      expect(result).to.deep.equal({ big: 'AbortError', got: 5004, intact: true, tail: 'tail' });
    });

    it('fails writes EPIPE after the peer closed and answered a write with RST (Linux\'s CLOSE_WAIT, as node:net reports it)', async () => {
      sim = new Simulation({ seed: 17 });
      const server = sim.host('server');
      const result = await sim.host('client').run(async (cx) => {
        const { clock, net } = cx.runtime.reactor;
        const { conn, peer } = await connectToServer(cx, server);
        await peer.close();
        const eof = await conn.read();
        const first = await conn.write('x').then(() => 'ok', (e: NetError) => e.code);
        await clock.sleep(100); // the peer's RST comes back
        const later = await conn.write('y').then(() => 'ok', (e: NetError) => e.code);
        return { eof, first, later, read: await conn.read() };
      });
      expect(result).to.deep.equal({ eof: null, first: 'ok', later: 'EPIPE', read: null });
    });

    it('close() with a full window received but unread ends the stream with FIN; the peer\'s next write goes out and meets RST (never a write stuck on a dead window)', async () => {
      sim = new Simulation({ seed: 18, tcpWindow: 4 });
      const server = sim.host('server');
      const result = await sim.host('client').run(async (cx) => {
        const { clock, net } = cx.runtime.reactor;
        const { conn, peer } = await connectToServer(cx, server);
        await peer.write('full'); // exactly one window, never read
        await clock.sleep(50);
        await conn.close();
        const eof = await peer.read();
        const next = await peer.write('more').then(() => 'ok', (e: NetError) => e.code);
        await clock.sleep(100);
        const later = await peer.write('x').then(() => 'ok', (e: NetError) => e.code);
        return { eof, next, later };
      });
      expect(result).to.deep.equal({ eof: null, next: 'ok', later: 'EPIPE' });
    });

    it('keeps a stream whole and in order under 30% packet loss (loss only delays TCP)', async () => {
      sim = new Simulation({ seed: 7, lossRate: 0.3 });
      echoServer(sim.host('server'));
      const sent = pattern(200_000);
      const got = await sim.host('client').run(async (cx) => {
        const conn = await cx.runtime.reactor.net.connect({ host: 'server', port: 7 });
        const reading = readAll(conn);
        for (let at = 0; at < sent.length; at += 1500) await conn.write(sent.subarray(at, at + 1500));
        await conn.closeWrite();
        return reading;
      });
      expect(got.length).to.equal(sent.length);
      expect(got.every((b, i) => b === sent[i])).to.equal(true);
      expect(sim.trace().some((line) => line.includes('retransmitted'))).to.equal(true);
    });

    it('really loses UDP datagrams at the link loss rate', async () => {
      sim = new Simulation({ seed: 8 });
      const a = sim.host('a');
      const b = sim.host('b');
      sim.setLink('a', 'b', { lossRate: 0.5 });
      const received = await a.run(async (cx) => {
        const { net, clock } = cx.runtime.reactor;
        const inbox = await b.reactor.net.bindUdp({ host: '0.0.0.0', port: 53 });
        const out = await net.bindUdp({ host: '0.0.0.0', port: 0 });
        for (let i = 0; i < 200; i++) await out.send(`d${i}`, { host: 'b', port: 53 });
        await clock.sleep(1000);
        let n = 0;
        const stop = new AbortController();
        void clock.sleep(1).then(() => stop.abort());
        try { while (await inbox.recv({ signal: stop.signal })) n++; } catch (e) { if (!CancelledError.is(e)) throw e; }
        return n;
      });
      expect(received).to.be.within(60, 140);
    });
  });

  describe('faults', () => {
    it('refuses partition, repair and setLink of a host with itself (loopback is on no link: they changed nothing)', () => {
      sim = new Simulation({ seed: 1 });
      sim.host('a');
      expect(() => sim.partition('a', 'a')).to.throw(TypeError, /^b must be another host than a/);
      expect(() => sim.repair('a', 'a')).to.throw(TypeError, /^b must be another host than a/);
      expect(() => sim.setLink('a', 'a', { lossRate: 0.5 })).to.throw(TypeError, /^b must be another host than a/);
    });

    it('refuses faults and sim.at once shut down, with RuntimeShutdownError (they were accepted and changed nothing)', async () => {
      sim = new Simulation({ seed: 1 });
      sim.host('a');
      sim.host('b');
      await sim.shutdown();
      const calls: Array<[string, () => unknown]> = [
        ['partition', () => sim.partition('a', 'b')], ['repair', () => sim.repair('a', 'b')],
        ['setLink', () => sim.setLink('a', 'b', { lossRate: 0.5 })], ['crash', () => sim.crash('a')],
        ['restart', () => sim.restart('a')], ['at', () => sim.at(5, () => undefined)],
      ];
      for (const [what, call] of calls) {
        expect(call, what).to.throw(RuntimeShutdownError, new RegExp(`${what}\\(\\) would change nothing`));
      }
    });

    it('lets a timeout decide a connect under partition, and connects again after repair', async () => {
      sim = new Simulation({ seed: 9 });
      echoServer(sim.host('server'));
      sim.host('client');
      sim.partition('client', 'server');
      const outcome = await sim.host('client').run(async (cx) => {
        const { net, clock } = cx.runtime.reactor;
        const error = await clock.timeout(30_000, net.connect({ host: 'server', port: 7 })).catch((e: unknown) => e);
        const at = clock.now();
        sim.repair('client', 'server');
        const conn = await net.connect({ host: 'server', port: 7 });
        await conn.write('again');
        return { error, at, echoed: text(await conn.read()) };
      });
      expect(TimeoutError.is(outcome.error)).to.equal(true);
      expect(outcome.at).to.equal(30_000);
      expect(outcome.echoed).to.equal('again');
    });

    it('holds bytes sent during a partition and delivers them, in order, after repair', async () => {
      sim = new Simulation({ seed: 10, latency: { min: 1, max: 3 } });
      echoServer(sim.host('server'));
      const result = await sim.host('client').run(async (cx) => {
        const { net, clock } = cx.runtime.reactor;
        const conn = await net.connect({ host: 'server', port: 7 });
        sim.partition('client', 'server');
        await conn.write('one,');
        await conn.write('two');
        const early = await clock.timeout(5_000, (signal) => conn.read({ signal })).catch((e: unknown) => (TimeoutError.is(e) ? 'nothing yet' : e));
        sim.repair('client', 'server');
        await conn.closeWrite();
        return { early, later: text(await readAll(conn)) };
      });
      expect(result.early).to.equal('nothing yet');
      expect(result.later).to.equal('one,two');
    });

    it('crash(): the peers read ECONNRESET, the host\'s tasks are cancelled and its listener is gone until restart', async () => {
      sim = new Simulation({ seed: 11 });
      const server = sim.host('server');
      echoServer(server);
      const outcome = await sim.host('client').run(async (cx) => {
        const { net, clock } = cx.runtime.reactor;
        const conn = await net.connect({ host: 'server', port: 7 });
        await conn.write('hi');
        await conn.read();
        const serverTasks = server.metrics().active;
        sim.crash('server');
        const readError = await conn.read().catch((e: NetError) => e.code);
        const whileDown = await clock.timeout(5_000, net.connect({ host: 'server', port: 7 })).catch((e: Error) => e.name);
        sim.restart('server');
        const nobodyListens = await net.connect({ host: 'server', port: 7 }).catch((e: NetError) => e.code);
        echoServer(server);
        const back = await net.connect({ host: 'server', port: 7 });
        await back.write('back');
        return { serverTasks, readError, whileDown, nobodyListens, echoed: text(await back.read()), cancelled: server.metrics().cancelled };
      });
      expect(outcome.serverTasks).to.equal(2);
      expect(outcome.readError).to.equal('ECONNRESET');
      expect(outcome.whileDown).to.equal('TimeoutError');
      expect(outcome.nobodyListens).to.equal('ECONNREFUSED');
      expect(outcome.echoed).to.equal('back');
      expect(outcome.cancelled).to.equal(2);
    });

    it('shutdown() of a host still delivers what its connections had sent, then FIN; a crash resets even a connection it had closed', async () => {
      sim = new Simulation({ seed: 12, latency: { min: 5, max: 5 } });
      const [server, other] = [sim.host('server'), sim.host('other')];
      const result = await sim.host('client').run(async (cx) => {
        const { net } = cx.runtime.reactor;
        const read = async (conn: Connection): Promise<string[]> => {
          const seen: string[] = [];
          for (;;) {
            const chunk = await conn.read().catch((e: NetError) => e.code);
            seen.push(typeof chunk === 'string' ? chunk : String(text(chunk)));
            if (typeof chunk === 'string' || chunk === null) return seen;
          }
        };
        const served = async (host: Runtime, fault: () => unknown): Promise<string[]> => {
          const listener = await host.reactor.net.listen({ host: '0.0.0.0', port: 80 });
          const conn = await net.connect({ host: host === server ? 'server' : 'other', port: 80 });
          const peer = (await listener.accept())!;
          await peer.write('hello');
          await peer.close();
          fault(); // while 'hello' and FIN are still on the wire
          return read(conn);
        };
        const shutdown = await served(server, () => void server.shutdown());
        const crash = await served(other, () => sim.crash('other'));
        // A connection the crashed host never accepted is reset too.
        sim.restart('other');
        await other.reactor.net.listen({ host: '0.0.0.0', port: 81 });
        const unaccepted = await net.connect({ host: 'other', port: 81 });
        sim.crash('other');
        return { shutdown, crash, unaccepted: await read(unaccepted) };
      });
      expect(result).to.deep.equal({ shutdown: ['hello', 'null'], crash: ['ECONNRESET'], unaccepted: ['ECONNRESET'] });
    });

    it('a shut-down host still answers for its closed connections: the peer\'s writes meet RST (EPIPE), and no flush of its outlives it', async () => {
      sim = new Simulation({ seed: 19, tcpWindow: 1000, latency: { min: 5, max: 5 } });
      const server = sim.host('server');
      const leaving = sim.host('leaving');
      const result = await sim.host('client').run(async (cx) => {
        const { clock, net } = cx.runtime.reactor;
        const listener = await server.reactor.net.listen({ host: '0.0.0.0', port: 80 });
        const conn = await net.connect({ host: 'server', port: 80 });
        await listener.accept();
        await server.shutdown();
        const eof = await conn.read();
        const big = await conn.write(pattern(5000)).then(() => 'ok', (e: NetError) => e.code); // more than a window into the gone peer
        // A host shutting down while its write waits for the window: the write is dropped, FIN goes, nothing of it stays behind.
        const other = await leaving.run(async (lx) => {
          const l2 = await net.listen({ host: '0.0.0.0', port: 81 });
          const out = await lx.runtime.reactor.net.connect({ host: 'client', port: 81 });
          const inbound = (await l2.accept())!;
          void out.write(pattern(5000)).catch(() => undefined);
          return inbound;
        });
        await leaving.shutdown();
        await clock.sleep(3_000);
        return { eof, big, leftover: sim.trace().filter((line) => line.includes('close gave up flushing')).length, fromLeaving: (await readAll(other)).length };
      });
      expect(result).to.deep.equal({ eof: null, big: 'EPIPE', leftover: 0, fromLeaving: 1000 });
    });

    it('refuses work on a crashed host until restart: spawn throws, run() and reactor calls reject', async () => {
      sim = new Simulation({ seed: 13 });
      const down = sim.host('down');
      sim.crash('down');
      expect(() => down.executor.spawnLocal(() => 1)).to.throw(CancelledError, /crashed/);
      const runError = await down.run(() => 1).catch((e: unknown) => e);
      const sleepError = await down.reactor.clock.sleep(1).catch((e: unknown) => e);
      expect(CancelledError.is(runError)).to.equal(true);
      expect(CancelledError.is(sleepError)).to.equal(true);
      sim.restart('down');
      expect(await down.run(() => 'up again')).to.equal('up again');
    });

    it('shuts every host down with one RuntimeShutdownError: their tasks\' signals, their rejections\' cause and their pending sleeps', async () => {
      sim = new Simulation({ seed: 15 });
      const seen: Array<{ signal: AbortSignal; task: Promise<unknown>; sleep: Promise<unknown> }> = [];
      for (const name of ['a', 'b', 'c']) {
        const host = sim.host(name);
        let signal!: AbortSignal;
        const task = host.executor.spawnLocal((cx) => { signal = cx.signal; return new Promise(() => {}); });
        const sleep = host.reactor.clock.sleep(60_000);
        seen.push({ get signal() { return signal; }, task: Promise.resolve(task).catch((e: unknown) => e), sleep: sleep.catch((e: unknown) => e) });
      }
      await sim.host('a').run((cx) => cx.runtime.reactor.clock.sleep(1)); // every task has started
      await sim.shutdown();
      const reasons = new Set(seen.map((s) => s.signal.reason));
      const rejections = new Set(await Promise.all(seen.map((s) => s.task)));
      const sleeps = new Set(await Promise.all(seen.map((s) => s.sleep)));
      expect([reasons.size, rejections.size, sleeps.size]).to.deep.equal([1, 1, 1]);
      const [reason] = reasons;
      expect(RuntimeShutdownError.is(reason)).to.equal(true);
      expect(CancelledError.is([...rejections][0])).to.equal(true);
      expect(([...rejections][0] as CancelledError).cause).to.equal(reason);
      expect([...sleeps][0]).to.equal(reason);
    });

    it('names the seed in the error of a failing run, so it can be replayed', async () => {
      sim = new Simulation({ seed: 'replay-me' });
      const error = await sim.host('a').run(() => { throw new Error('boom'); }).catch((e: Error) => e);
      expect(error.message).to.equal('boom [seed="replay-me"]');
    });

    it('ends a runaway simulation at maxTime: run() rejects TimeoutError naming the seed, time stops there', async () => {
      sim = new Simulation({ seed: 14, maxTime: 60_000 });
      sim.host('noisy').executor.spawnLocal(async (cx) => {
        for (;;) await cx.runtime.reactor.clock.sleep(1_000); // a heartbeat that never ends
      }, { name: 'heartbeat' });
      const error = await sim.host('a').run(() => new Promise(() => {})).catch((e: unknown) => e);
      expect(TimeoutError.is(error)).to.equal(true);
      expect((error as Error).message).to.match(/60000 ms/).and.to.match(/noisy\/heartbeat/).and.to.match(/seed=14/);
      expect(sim.now()).to.equal(60_000);
    });

    it('rejects run() with DeadlockError naming host/task when every host waits forever', async () => {
      sim = new Simulation({ seed: 12 });
      echoServer(sim.host('server'));
      const error = await sim.host('client').run(async (cx) => {
        const conn = await cx.runtime.reactor.net.connect({ host: 'server', port: 7 });
        await conn.read(); // the echo server waits for us, we wait for it
      }).catch((e: unknown) => e) as Error;
      expect(error.name).to.equal('DeadlockError');
      expect((error as unknown as { tasks: string[] }).tasks).to.deep.equal(['server/echo-listener', 'server/echo', 'client/main']);
    });
  });

  describe('replay', () => {
    async function scenario(seed: number): Promise<{ hash: string; trace: string[]; finishedAt: number }> {
      const s = new Simulation({ seed, latency: { min: 1, max: 20 }, lossRate: 0.1 });
      echoServer(s.host('server'));
      const clients = ['c1', 'c2', 'c3'].map((name) => s.host(name));
      const finishedAt = await clients[0]!.run(async () => {
        const runs = clients.map((client) => client.executor.spawnLocal(async (cx) => {
          await cx.runtime.reactor.clock.sleep(1);
          const conn = await cx.runtime.reactor.net.connect({ host: 'server', port: 7 });
          for (let i = 0; i < 5; i++) await conn.write(`${client.hostName}-${i};`);
          await conn.closeWrite();
          return text(await readAll(conn));
        }));
        await Promise.all(runs);
        return s.now();
      });
      const result = { hash: s.traceHash(), trace: s.trace(), finishedAt };
      await s.shutdown();
      return result;
    }

    it('gives the same trace, byte for byte, for the same seed', async () => {
      const [a, b] = [await scenario(77), await scenario(77)];
      expect(a.trace.length).to.be.greaterThan(50);
      expect(a.trace).to.deep.equal(b.trace);
      expect(a.hash).to.equal(b.hash);
    });

    it('explores another interleaving under another seed', async () => {
      const hashes = new Set<string>();
      for (const seed of [1, 2, 3]) hashes.add((await scenario(seed)).hash);
      expect(hashes.size).to.equal(3);
    });

    it('records spawns, wakes, timers, connects, bytes and faults in the trace', async () => {
      const { trace } = await scenario(5);
      for (const kind of [/spawnLocal task/, /start task/, /timer \d+/, /(read|accept) woken/, /connect 10\.0\.\d+\.\d+:7/, /received \d+ bytes/, /received FIN/]) {
        expect(trace.some((line) => kind.test(line)), String(kind)).to.equal(true);
      }
    });
  });
});
