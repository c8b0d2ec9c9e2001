// Real, unmodified libraries on simulated hosts under withNodeApis: http + undici, ws, ioredis — each run twice with one seed (checkDeterminism).
import { expect } from 'chai';
import { copyFileSync, mkdirSync, mkdtempSync } from 'node:fs';
import http from 'node:http';
import module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { Agent, fetch, Pool, request } from 'undici';
import { WebSocket, WebSocketServer } from 'ws';
import { NondeterminismError, Simulation } from '@runtime-traits/local';
import { withNodeApis } from '../../src/index.js';
import { watchRejections } from '../helpers/rejections.js';
import { after as tickerAfter } from './fixtures/global-ticker.js';
import { startPlainRedis } from './fixtures/plain-redis.js';
import { realNow } from './helpers.js';

const HOUR = 3_600_000;
const require = createRequire(import.meta.url);

/** A second copy of undici's timers module, at a path of its own (as a second undici install would be), loaded now. */
function freshUndiciTimers(): { setFastTimeout(cb: () => void, ms: number): { constructor: { name: string } } } {
  const dir = join(mkdtempSync(join(tmpdir(), 'undici-copy-')), 'node_modules', 'undici', 'lib', 'util');
  mkdirSync(dir, { recursive: true });
  copyFileSync(require.resolve('undici/lib/util/timers.js'), join(dir, 'timers.js'));
  return require(join(dir, 'timers.js'));
}

/** Awaits `ms` of the host's (virtual) time and returns how many real milliseconds that took. */
async function idle(ms: number): Promise<number> {
  const t0 = realNow();
  await sleep(ms);
  return realNow() - t0;
}

/** An http server on host 'server': /x answers at once with its port and the client's, /slow after 400 s (beyond undici's 300 s headersTimeout). */
function httpService(): http.Server {
  return http.createServer((req, res) => {
    if (req.url === '/slow') setTimeout(() => res.end('late'), 400_000);
    else res.end(JSON.stringify({ path: req.url, peer: req.socket.remotePort }));
  }).listen(80);
}

describe('withNodeApis: libraries on simulated hosts', () => {
  const rejections = watchRejections();
  afterEach(() => expect(rejections.count(), 'unhandled rejections').to.equal(0));

  it('should run an http server and undici (request on a kept-alive socket, fetch, a Pool, default timeouts on) the same way twice', async () => {
    const report = await Simulation.checkDeterminism(async (sim) => {
      const [server, client] = [sim.host('server'), sim.host('client')];
      void withNodeApis(server, httpService);
      return withNodeApis(client, () => client.run(async () => {
        const peers = [];
        for (let i = 0; i < 4; i++) peers.push((await (await request('http://server/x')).body.json() as { peer: number }).peer);
        const fetched = await (await fetch('http://server/f')).json() as { path: string };
        // Node's own fetch (its bundled undici) dispatches through the global dispatcher too: the host's own, from the undici package.
        const globalFetched = await (await globalThis.fetch('http://server/g')).json() as { path: string };
        const pool = new Pool('http://server');
        const pooled = await Promise.all([1, 2, 3].map(async (i) => ((await pool.request({ path: `/p${i}`, method: 'GET' })).body.json() as Promise<{ path: string }>)));
        const asked = performance.now();
        const timedOut = await request('http://server/slow').then(() => 'answered', (e: { code: string }) => e.code);
        const waited = performance.now() - asked;
        const hourInRealMs = await idle(HOUR); // undici's 4 s keep-alive timeout closes the idle sockets meanwhile
        const afterHour = (await (await request('http://server/x')).body.json() as { path: string }).path;
        await pool.close();
        return { connections: new Set(peers).size, fetched: fetched.path, globalFetched: globalFetched.path, pooled: pooled.map((p) => p.path), timedOut, waited, hourInRealMs, afterHour, end: performance.now() };
      }));
    }, { seed: 21, runs: 2 });
    const r = report.result;
    expect(r.connections).to.be.within(1, 2); // 4 requests: the kept-alive socket is reused
    expect(r).to.include({ fetched: '/f', globalFetched: '/g', timedOut: 'UND_ERR_HEADERS_TIMEOUT', afterHour: '/x' });
    expect(r.pooled).to.deep.equal(['/p1', '/p2', '/p3']);
    expect(r.waited).to.be.within(300_000, 300_100); // undici's default headersTimeout, on the virtual clock
    expect(r.end).to.be.greaterThan(HOUR + 300_000);
    expect(r.hourInRealMs).to.be.below(1_000);
  });

  it('should run ws: an echo, then a heartbeat every 30 s for an hour, the same way twice', async () => {
    const report = await Simulation.checkDeterminism(async (sim) => {
      const [server, client] = [sim.host('server'), sim.host('client')];
      void withNodeApis(server, () => {
        const srv = http.createServer();
        new WebSocketServer({ server: srv }).on('connection', (ws) => ws.on('message', (data) => ws.send(`echo ${String(data)}`)));
        srv.listen(80);
      });
      return withNodeApis(client, () => client.run(async () => {
        const ws = new WebSocket('ws://server/');
        await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
        ws.send('hello');
        const echo = String(await new Promise((resolve) => ws.once('message', resolve)));
        let pongs = 0;
        ws.on('pong', () => pongs++);
        const beat = setInterval(() => ws.ping(), 30_000);
        const hourInRealMs = await idle(HOUR + 100); // the 120th ping goes at the hour mark; its pong a few ms later
        clearInterval(beat);
        ws.close();
        await new Promise((resolve) => ws.once('close', resolve));
        return { echo, pongs, hourInRealMs };
      }));
    }, { seed: 22 });
    expect(report.result).to.include({ echo: 'echo hello', pongs: 120 });
    expect(report.result.hourInRealMs).to.be.below(1_000);
  });

  it('should run ioredis with default options against a plain node:net Redis: a partition delays a command, a crash and restart makes it reconnect', async () => {
    const report = await Simulation.checkDeterminism(async (sim) => {
      const [server, client] = [sim.host('server'), sim.host('client')];
      void withNodeApis(server, () => startPlainRedis());
      sim.onRestart('server', (rt) => void withNodeApis(rt, () => startPlainRedis()));
      return withNodeApis(client, () => client.run(async () => {
        const redis = new Redis({ host: 'server' }); // default options: it reads its package.json (held), connects at once, retries
        const log: string[] = [];
        redis.on('ready', () => log.push(`ready at ${Math.round(performance.now())}`));
        redis.on('error', (e: { code?: string }) => log.push(`error ${e.code}`));
        await redis.set('k', 'v1');
        sim.partition('client', 'server');
        const pending = redis.get('k');
        const repairAt = performance.now() + 5_000;
        setTimeout(() => sim.repair('client', 'server'), 5_000);
        const got = await pending;
        const gotAt = performance.now();
        sim.crash('server');
        setTimeout(() => sim.restart('server'), 2_000);
        await sleep(10_000);
        await redis.set('k', 'v2');
        const afterRestart = await redis.get('k');
        const hourInRealMs = await idle(HOUR);
        const pong = await redis.ping();
        redis.disconnect();
        return { got, delayed: gotAt >= repairAt, afterRestart, log, hourInRealMs, pong };
      }));
    }, { seed: 23 });
    const r = report.result;
    expect(r).to.include({ got: 'v1', delayed: true, afterRestart: 'v2', pong: 'PONG' });
    expect(r.log.filter((l) => l.startsWith('ready'))).to.have.length(2);
    expect(r.log).to.include('error ECONNRESET');
    expect(r.hourInRealMs).to.be.below(1_000);
  });

  it('should hand out an http server\'s connections (close() destroys its idle ones in that order) by their peers\' ports, not by where Node\'s parsers sit in memory', async () => {
    // Node lists connections in a native set ordered by the parsers' addresses, and reuses parsers
    // last-freed-first: from the second batch on, the raw order differs from run to run.
    const report = await Simulation.checkDeterminism(async (sim) => {
      const [server, client] = [sim.host('server'), sim.host('client')];
      let srv: http.Server | undefined;
      void withNodeApis(server, () => { srv = http.createServer((req, res) => res.end('ok')).listen(80); });
      return withNodeApis(client, () => client.run(async () => {
        const orders: number[][] = [];
        for (let b = 0; b < 4; b++) {
          const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 16 });
          await Promise.all(Array.from({ length: 3 + 2 * b }, (_, i) => new Promise<void>((resolve, reject) => {
            setTimeout(() => http.get('http://server/', { agent }, (res) => res.resume().on('end', resolve)).on('error', reject), i);
          })));
          await sleep(5);
          const key = Object.getOwnPropertySymbols(srv).find((k) => k.description === 'http.server.connections')!;
          const list = (srv as unknown as Record<symbol, { idle(): Array<{ socket: { remotePort: number } }> }>)[key];
          orders.push(list.idle().map((parser) => parser.socket.remotePort));
          if (b === 3) await withNodeApis(server, () => new Promise((resolve) => srv!.close(resolve)));
          else for (const socket of Object.values(agent.freeSockets).flat().reverse()) socket!.destroy();
          agent.destroy();
          await sleep(5);
        }
        return orders;
      }));
    }, { seed: 24, latency: { min: 5, max: 5 } }); // every request its own connection: none is answered (4 trips of 5 ms) before a batch's last one starts (at most 8 ms in)
    expect(report.result.map((ports) => ports.length)).to.deep.equal([3, 5, 7, 9]);
    for (const ports of report.result) expect(ports).to.deep.equal([...ports].sort((a, b) => a - b));
  });

  describe('library state that outlives a run', () => {
    it('should re-home undici\'s process-wide timers and global dispatcher per host: idle keep-alive sockets left at the end, default timeouts on, three runs alike', async () => {
      const report = await Simulation.checkDeterminism(async (sim) => {
        const [server, a, b] = [sim.host('server'), sim.host('a'), sim.host('b')];
        void withNodeApis(server, httpService);
        const fromHost = (rt: typeof a) => withNodeApis(rt, () => rt.run(async () => {
          const bodies: string[] = [];
          for (let i = 0; i < 3; i++) bodies.push(await (await request(`http://server/${rt.hostName}${i}`)).body.text()); // the global dispatcher
          const agent = new Agent(); // and an agent of its own, never closed
          bodies.push(await (await request('http://server/agent', { dispatcher: agent })).body.text());
          await sleep(2_000); // under undici's keep-alive timeout: its sockets stay open past the run's end
          return bodies.length;
        }));
        return Promise.all([fromHost(a), fromHost(b)]); // two hosts, each with its own dispatcher: no socket crosses
      }, { seed: 24, runs: 3 });
      expect(report.result).to.deep.equal([4, 4]);
    });

    it('should find a copy of undici loaded after the patches went on, when the next simulated scope starts', async () => {
      const sim = new Simulation({ seed: 26 });
      const [a, b] = [sim.host('a'), sim.host('b')];
      await withNodeApis(a, async () => {
        const copy = freshUndiciTimers(); // loaded while patched, outside b's scope
        const kind = await withNodeApis(b, () => b.run(async () => {
          const timer = copy.setFastTimeout(() => {}, 2_000);
          return timer.constructor.name;
        }));
        expect(kind, 'the host\'s own timer, not undici\'s FastTimer').to.equal('Timeout');
      });
      await sim.shutdown();
    });

    it('should catch a copy of undici loaded while a simulated scope runs, where module.registerHooks exists', async function () {
      if (typeof (module as { registerHooks?: unknown }).registerHooks !== 'function') this.skip(); // capability: module.registerHooks (Node >= 22.15)
      const sim = new Simulation({ seed: 27 });
      const a = sim.host('a');
      const kind = await withNodeApis(a, () => a.run(async () => {
        const copy = freshUndiciTimers();
        await new Promise((resolve) => setImmediate(resolve)); // the load hook patches it on the next tick
        return copy.setFastTimeout(() => {}, 2_000).constructor.name;
      }));
      expect(kind).to.equal('Timeout');
      await sim.shutdown();
    });

    it('should name, in checkDeterminism\'s difference, a library\'s own process-wide timer that a later run re-armed', async () => {
      const scenario = async (sim: Simulation): Promise<void> => {
        const a = sim.host('a');
        await withNodeApis(a, () => a.run(() => new Promise<void>((resolve) => tickerAfter(1_000, resolve))));
      };
      const error = await Simulation.checkDeterminism(scenario, { seed: 25 }).then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(NondeterminismError);
      const e = error as NondeterminismError;
      expect(e.actual.join('\n')).to.match(/a node timer moved here from a \(dead\): setTimeout onTick 500ms re-armed at after \(.*global-ticker\.js/);
      expect(e.message).to.include('timer moved here');
    });
  });
});
