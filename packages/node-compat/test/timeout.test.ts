// setTimeout is a real idle timer on the runtime's clock: exact to the millisecond on a virtual clock, reset by reads and writes, once per idle spell.
import { expect } from 'chai';
import type net from 'node:net';
import { NodeRuntime } from '@runtime-traits/node';
import { createConnection, createServer } from '../src/index.js';
import { simPair, type SimPair } from './helpers/sim.js';

/** A server on the simulated 'server' host that runs `onConnection` for each socket; returns its port. */
async function simServer(pair: SimPair, onConnection: (socket: net.Socket) => void): Promise<{ port: number; close(): void }> {
  const server = pair.api.createServer({ allowHalfOpen: true }, onConnection);
  const port = await pair.api.listen(server);
  return { port, close: () => server.close() };
}

describe('NodeSocket#setTimeout', () => {
  describe('on a Simulation (virtual clock: exact times)', () => {
    it('should fire exactly ms after connecting when nothing is read or written', async () => {
      const pair = simPair();
      const at = await pair.run(async () => {
        const server = await simServer(pair, () => {});
        const client = pair.api.connect(server.port);
        await new Promise((resolve) => client.once('connect', resolve));
        const connectedAt = pair.api.now();
        client.setTimeout(1_000);
        const firedAt = await new Promise<number>((resolve) => client.once('timeout', () => resolve(pair.api.now())));
        client.destroy();
        server.close();
        return firedAt - connectedAt;
      });
      expect(at).to.equal(1_000);
      await pair.sim.shutdown();
    });

    it('should be pushed back by every chunk read', async () => {
      const pair = simPair();
      const result = await pair.run(async () => {
        const server = await simServer(pair, (s) => {
          let n = 0;
          const tick = (): void => {
            s.write(`tick ${n}`);
            if (++n < 5) void pair.api.sleep(300).then(tick);
          };
          tick();
        });
        const client = pair.api.connect(server.port);
        client.setTimeout(1_000);
        let lastData = 0;
        client.on('data', () => { lastData = pair.api.now(); });
        const firedAt = await new Promise<number>((resolve) => client.once('timeout', () => resolve(pair.api.now())));
        client.destroy();
        server.close();
        return { sinceLastData: firedAt - lastData, lastData };
      });
      expect(result.lastData).to.be.greaterThan(1_000); // five ticks 300 ms apart: would have timed out without the resets
      expect(result.sinceLastData).to.equal(1_000);
      await pair.sim.shutdown();
    });

    it('should be pushed back by every write', async () => {
      const pair = simPair();
      const result = await pair.run(async () => {
        const server = await simServer(pair, (s) => s.resume());
        const client = pair.api.connect(server.port);
        await new Promise((resolve) => client.once('connect', resolve));
        client.setTimeout(1_000);
        let lastWrite = 0;
        for (let i = 0; i < 5; i++) {
          await pair.api.sleep(400);
          client.write('x');
          lastWrite = pair.api.now();
        }
        const firedAt = await new Promise<number>((resolve) => client.once('timeout', () => resolve(pair.api.now())));
        client.destroy();
        server.close();
        return firedAt - lastWrite;
      });
      expect(result).to.equal(1_000);
      await pair.sim.shutdown();
    });

    it('should fire once per idle spell, again after new activity, and never after setTimeout(0)', async () => {
      const pair = simPair();
      const result = await pair.run(async () => {
        let peer: net.Socket | undefined;
        const server = await simServer(pair, (s) => { peer = s; });
        const client = pair.api.connect(server.port);
        await new Promise((resolve) => client.once('connect', resolve));
        const fired: number[] = [];
        const start = pair.api.now();
        client.setTimeout(500, () => fired.push(pair.api.now() - start));
        client.on('timeout', () => { if (fired.length === 1) fired.push(-1); }); // a second listener still sees the first only once
        await pair.api.sleep(3_000);
        const afterIdle = fired.slice();
        peer!.write('wake');
        await pair.api.sleep(3_000);
        const afterWake = client.listenerCount('timeout');
        client.setTimeout(0);
        peer!.write('again');
        await pair.api.sleep(3_000);
        client.destroy();
        server.close();
        return { afterIdle, afterWake, timeoutProperty: client.timeout };
      });
      expect(result.afterIdle).to.deep.equal([500, -1]);
      expect(result.afterWake).to.equal(1); // the once-listener was used up, the other one remains
      expect(result.timeoutProperty).to.equal(0);
      await pair.sim.shutdown();
    });
  });

  describe('many sockets on one clock (their waits share lists, one sleep per list)', () => {
    it('should fire each at its own time, skip the stopped ones, and refire those restarted, exactly', async () => {
      const pair = simPair();
      const fired = await pair.run(async () => {
        const server = await simServer(pair, () => {});
        const clients = await Promise.all(['a', 'b', 'c', 'd', 'e'].map(async (name) => {
          const client = pair.api.connect(server.port);
          await new Promise((resolve) => client.once('connect', resolve));
          return { name, client };
        }));
        const start = pair.api.now();
        const log: string[] = [];
        for (const { name, client } of clients) client.on('timeout', () => log.push(`${name}@${pair.api.now() - start}`));
        // a, b, c: 1000 ms, started 100 ms apart; d: 700 ms (a list of its own); e: 1000 ms, stopped at once.
        clients[0]!.client.setTimeout(1_000);
        clients[4]!.client.setTimeout(1_000);
        clients[4]!.client.setTimeout(0);
        await pair.api.sleep(100);
        clients[1]!.client.setTimeout(1_000);
        clients[3]!.client.setTimeout(700);
        await pair.api.sleep(100);
        clients[2]!.client.setTimeout(1_000);
        await pair.api.sleep(100);
        clients[0]!.client.setTimeout(0); // the head of the 1000 ms list goes at 300 ms…
        clients[1]!.client.setTimeout(0); // …and so does the next
        await pair.api.sleep(100);
        clients[0]!.client.setTimeout(1_000); // a again, at 400 ms, behind c
        await pair.api.sleep(2_000);
        for (const { client } of clients) client.destroy();
        server.close();
        return log;
      });
      expect(fired).to.deep.equal(['d@800', 'c@1200', 'a@1400']);
      await pair.sim.shutdown();
    });
  });

  describe('on the node runtime (real time)', () => {
    let rt: NodeRuntime;
    before(async () => { rt = await NodeRuntime.create(); });
    after(() => rt.shutdown());

    it('should fire after, not before, ms of idleness, and stop with destroy', async () => {
      const server = createServer(rt.reactor, () => {});
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const client = createConnection(rt.reactor, { port: (server.address() as net.AddressInfo).port, host: '127.0.0.1', timeout: 150 });
      const started = performance.now();
      await new Promise((resolve) => client.once('timeout', resolve));
      const elapsed = performance.now() - started;
      let late = 0;
      client.on('timeout', () => late++);
      client.destroy();
      await new Promise((resolve) => setTimeout(resolve, 300));
      await new Promise((resolve) => server.close(resolve));
      expect(elapsed).to.be.at.least(149);
      expect(late).to.equal(0);
    });

    it('should take msecs as node:net does: a TypeError or RangeError naming it', () => {
      const client = createConnection(rt.reactor, { port: 9, host: '127.0.0.1' });
      client.on('error', () => {});
      expect(() => client.setTimeout(-1)).to.throw(RangeError, /msecs/);
      expect(() => client.setTimeout('5' as never)).to.throw(TypeError, /msecs/);
      expect(() => client.setTimeout(5, 'cb' as never)).to.throw(TypeError, /callback/);
      client.destroy();
    });
  });
});
