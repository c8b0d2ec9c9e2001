// withNodeApis: when Node's APIs are patched, what code outside a scope sees, how scopes nest, run side by side, end and die.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { UnsupportedError, type Runtime } from '@runtime-traits/core';
import { Simulation } from '@runtime-traits/local';
import { NodeRuntime } from '@runtime-traits/node';
import { request } from 'undici';
import { withNodeApis } from '../../src/index.js';
import { watchRejections } from '../helpers/rejections.js';
import { isPatched, macrotasks, nodeSetTimeout, readFrom, realNow, realServer, twoHosts } from './helpers.js';

const ORIGINAL_SET_TIMEOUT = globalThis.setTimeout;
const RealSocket = net.Socket;
const YEAR_2000 = 946_684_800_000;

/** What plain Node code sees: a real server reached with net.connect, a real-time setTimeout, the wall clock. */
async function plainNode(port: number): Promise<{ reply: string; waited: number; wall: boolean }> {
  const t0 = realNow();
  await new Promise((resolve) => setTimeout(resolve, 40));
  const waited = realNow() - t0;
  return { reply: await readFrom(port), waited, wall: Math.abs(Date.now() - (performance.timeOrigin + realNow())) < 5_000 };
}

describe('withNodeApis: scopes', () => {
  const rejections = watchRejections();
  let real: { port: number; close(): Promise<void> };
  before(async () => { real = await realServer('real'); });
  after(() => real.close());

  it('should patch Node\'s APIs only while a scope lives, and put them back a macrotask after the last one ends', async () => {
    expect(isPatched()).to.equal(false);
    const sim = new Simulation({ seed: 1 });
    const host = sim.host('a');
    const seen = await withNodeApis(host, () => host.run(async () => {
      const patched = globalThis.setTimeout !== ORIGINAL_SET_TIMEOUT && isPatched();
      await new Promise((resolve) => setTimeout(resolve, 3_600_000));
      return { patched, now: Date.now() };
    }));
    expect(seen).to.deep.equal({ patched: true, now: YEAR_2000 + 3_600_000 });
    await sim.shutdown();
    await macrotasks();
    expect(isPatched()).to.equal(false);
    expect(globalThis.setTimeout).to.equal(ORIGINAL_SET_TIMEOUT);
    // After withNodeApis returned: net.connect reaches a real server, setTimeout takes real time, Date is the wall clock.
    const after = await plainNode(real.port);
    expect(after.reply).to.equal('real');
    expect(after.waited).to.be.at.least(35);
    expect(after.wall).to.equal(true);
  });

  it('should leave code running at the same time outside every scope on plain Node', async () => {
    const sim = new Simulation({ seed: 2 });
    const host = sim.host('a');
    const outside = (async () => { await nodeSetTimeout(() => {}, 0); return plainNode(real.port); })();
    const inside = withNodeApis(host, () => host.run(async () => {
      for (let i = 0; i < 50; i++) await new Promise((resolve) => setTimeout(resolve, 60_000)); // virtual minutes, real microseconds
      await new Promise((resolve) => setImmediate(resolve));
      return Date.now();
    }));
    const [out, insideNow] = await Promise.all([outside, inside]);
    expect(out.reply).to.equal('real');
    expect(out.waited).to.be.at.least(35);
    expect(out.wall).to.equal(true);
    expect(insideNow).to.equal(YEAR_2000 + 50 * 60_000);
    await sim.shutdown();
  });

  it('should keep a scope open while it listens (fn has long returned), and end it when the server closes', async () => {
    const sim = new Simulation({ seed: 3 });
    const server = sim.host('server');
    const client = sim.host('client');
    let httpServer: http.Server | undefined;
    await withNodeApis(server, () => { httpServer = http.createServer((req, res) => res.end('hi')).listen(80); });
    await macrotasks();
    expect(isPatched(), 'the listening server holds the scope').to.equal(true);
    const body = await withNodeApis(client, () => client.run(async () => (await request('http://server/')).body.text()));
    expect(body).to.equal('hi');
    await server.run(() => new Promise<void>((resolve) => { httpServer!.closeAllConnections(); httpServer!.close(() => resolve()); }));
    await client.run((cx) => cx.runtime.reactor.clock.sleep(10));
    await macrotasks();
    expect(isPatched(), 'every scope ended: the server closed, the client\'s idle keep-alive socket was closed with its scope').to.equal(false);
    await sim.shutdown();
  });

  it('should nest: an inner scope on another runtime sees that runtime, and the outer one resumes with its own', async () => {
    const outerSim = new Simulation({ seed: 4 });
    const innerSim = new Simulation({ seed: 5 });
    const a = outerSim.host('a');
    const b = innerSim.host('b');
    try {
      const seen = await withNodeApis(a, () => a.run(async () => {
        await sleep(1_000);
        // (a task of one simulation cannot wait for another simulation's time: b's fn runs at once)
        const inner = await withNodeApis(b, () => Date.now() - YEAR_2000);
        const same = await withNodeApis(a, () => Date.now() - YEAR_2000); // the same runtime: the same scope
        return { inner, same, outer: Date.now() - YEAR_2000 };
      }));
      expect(seen).to.deep.equal({ inner: 0, same: 1_000, outer: 1_000 });
    } finally {
      await Promise.all([outerSim.shutdown(), innerSim.shutdown()]);
    }
  });

  it('should run two simulations side by side, each host seeing its own network and clock, as each does alone', async () => {
    const scenario = async (seed: number, pause: number): Promise<{ replies: string[]; hash: string }> => {
      const sim = twoHosts(seed);
      const [server, client] = [sim.host('server'), sim.host('client')];
      void withNodeApis(server, () => http.createServer((req, res) => { setTimeout(() => res.end(`${req.url} ${Date.now() - YEAR_2000}`), pause); }).listen(80));
      const replies = await withNodeApis(client, () => client.run(async () => {
        const out: string[] = [];
        for (const path of ['/x', '/y']) out.push(await (await request(`http://server${path}`)).body.text());
        return out;
      }));
      await sim.shutdown();
      return { replies, hash: sim.traceHash() };
    };
    const alone = [await scenario(6, 100), await scenario(7, 250)];
    const together = await Promise.all([scenario(6, 100), scenario(7, 250)]);
    expect(together).to.deep.equal(alone);
    expect(alone[0]!.replies[0]).to.match(/^\/x 1\d\d$/);
    expect(alone[1]!.replies[0]).to.match(/^\/x 2\d\d$/);
  });

  it('should fail with UnsupportedError, leaving nothing patched or held, on an engine whose timers cannot be patched (as Bun\'s)', () => {
    // In a child: it makes Timeout.prototype.refresh unconfigurable, as Bun has it, for good.
    const program = `
      import { Simulation } from ${JSON.stringify(import.meta.resolve('@runtime-traits/local'))};
      import { withNodeApis } from ${JSON.stringify(new URL('../../src/index.js', import.meta.url).href)};
      import { isPatched } from ${JSON.stringify(new URL('../../src/apis/install.js', import.meta.url).href)};
      const t = setTimeout(() => {}, 1);
      const proto = Object.getPrototypeOf(t);
      clearTimeout(t);
      Object.defineProperty(proto, 'refresh', { value: proto.refresh, writable: true, configurable: false });
      const sim = new Simulation({ seed: 1 });
      for (const attempt of [1, 2]) {
        let error;
        try { await withNodeApis(sim.host('a'), () => 'ran'); } catch (e) { error = e; }
        console.log(JSON.stringify([attempt, error?.name, isPatched()])); // (a string: no colours under FORCE_COLOR)
      }
      await sim.shutdown();
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 30_000 });
    expect(run.signal, 'the process exits by itself').to.equal(null);
    expect(run.stdout.trim().split('\n')).to.deep.equal(['[1,"UnsupportedError",false]', '[2,"UnsupportedError",false]']);
  });

  it('should let a simulated host be the first to print to stdout and stderr when they are pipes (Node makes them net.Sockets over fds 1 and 2 then)', () => {
    const program = `
      import { Simulation } from ${JSON.stringify(import.meta.resolve('@runtime-traits/local'))};
      import { withNodeApis } from ${JSON.stringify(new URL('../../src/index.js', import.meta.url).href)};
      const sim = new Simulation({ seed: 1 });
      const host = sim.host('a');
      const result = await withNodeApis(host, () => host.run(async () => {
        console.log('out from the host');
        console.error('err from the host');
        process.emitWarning('something odd', 'MyWarning');
        await new Promise((resolve) => setTimeout(resolve, 10));
        return 'ran';
      })).catch((error) => String(error));
      console.log(JSON.stringify(result));
      await sim.shutdown();
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', program], { encoding: 'utf8', timeout: 30_000 });
    expect(run.signal, 'the process exits by itself').to.equal(null);
    expect(run.stdout.trim().split('\n')).to.deep.equal(['out from the host', '"ran"']);
    expect(run.stderr).to.include('err from the host').and.to.include('MyWarning: something odd');
    expect(run.status).to.equal(0);
  });

  it('should refuse bad arguments, and a virtual-time runtime that cannot carry Node\'s timers', () => {
    expect(() => withNodeApis(42 as never, () => 1)).to.throw(TypeError, /runtime/);
    expect(() => withNodeApis(new Simulation().host('a'), 'fn' as never)).to.throw(TypeError, /fn/);
    const virtualWithoutHooks = { name: 'fake', reactor: { net: {}, clock: {} }, capabilities: new Set(['time.virtual']) } as unknown as Runtime;
    expect(() => withNodeApis(virtualWithoutHooks, () => 1)).to.throw(UnsupportedError, /HostHooks/);
  });

  it('should settle with fn\'s result or error, sync or async, on the node runtime too, and end those scopes', async () => {
    const rt = await NodeRuntime.create();
    expect(await withNodeApis(rt, () => 7)).to.equal(7);
    await withNodeApis(rt, () => { throw new RangeError('sync'); }).then(() => expect.fail(), (e: unknown) => expect(e).to.be.instanceOf(RangeError));
    await withNodeApis(rt, async () => { await sleep(5); throw new RangeError('async'); }).then(() => expect.fail(), (e: unknown) => expect((e as Error).message).to.equal('async'));
    // The node runtime's Net is node:net itself: its scope hands out node:net's own sockets (adopted by the runtime).
    const socket = await withNodeApis(rt, () => net.connect(real.port, '127.0.0.1'));
    expect(socket.constructor).to.equal(RealSocket);
    expect(rt.reactor.net.openCount.native).to.equal(1);
    socket.destroy();
    await rt.shutdown();
    await macrotasks();
    expect(isPatched()).to.equal(false);
  });

  it('should drop everything of a crashed host: its async handlers never resume, nothing rejects, the client sees ECONNRESET', async () => {
    const sim = new Simulation({ seed: 8 });
    const [backend, server, client] = [sim.host('backend'), sim.host('server'), sim.host('client')];
    const resumed: string[] = [];
    void withNodeApis(backend, () => http.createServer(async (req, res) => { await sleep(500); res.end('slow'); }).listen(80));
    void withNodeApis(server, () => http.createServer(async (req, res) => {
      const text = await (await request('http://backend/')).body.text(); // pending when the crash comes
      resumed.push(`after backend: ${text}`);
      await sleep(1_000);
      resumed.push('after sleep');
      res.end(text);
    }).listen(80));
    const outcome = await withNodeApis(client, () => client.run(async () => {
      const reply = request('http://server/').then((r) => r.body.text(), (e: { code?: string }) => `error ${e.code}`);
      setTimeout(() => sim.crash('server'), 200);
      return reply;
    }));
    expect(outcome).to.equal('error ECONNRESET');
    await client.run((cx) => cx.runtime.reactor.clock.sleep(5_000)); // time for anything of the dead host to (wrongly) run
    expect(resumed).to.deep.equal([]);
    expect(rejections.count()).to.equal(0);
    await sim.shutdown();
  });
});
