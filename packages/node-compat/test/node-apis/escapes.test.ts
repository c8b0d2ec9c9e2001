// What would escape a simulated host fails loud with UnsupportedError naming it; Node's own internals and real-time runtimes are left alone.
import { expect } from 'chai';
import childProcess from 'node:child_process';
import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import timers from 'node:timers';
import tls from 'node:tls';
import { Worker } from 'node:worker_threads';
import { UnsupportedError } from '@runtime-traits/core';
import { Simulation } from '@runtime-traits/local';
import { NodeRuntime } from '@runtime-traits/node';
import { withNodeApis } from '../../src/index.js';
import { realServer } from './helpers.js';

/** A setTimeout taken before any scope patched node:timers (as a module that destructures it at load time would). */
const takenEarly = timers.setTimeout;
/** A subclass of net.Socket defined before any scope: it is Node's own socket class. */
class EarlySocket extends net.Socket {}

/** What each attempt threw inside a scope on `rt`: 'ok', or "capability: message". */
async function attempts(rt: Parameters<typeof withNodeApis>[0], tries: Record<string, () => unknown>): Promise<Record<string, string>> {
  return withNodeApis(rt, () => {
    const out: Record<string, string> = {};
    for (const [name, attempt] of Object.entries(tries)) {
      try {
        const made = attempt() as { destroy?: () => void; terminate?: () => void; kill?: () => void; on?: (e: string, f: () => void) => void } | undefined;
        made?.on?.('error', () => {});
        made?.destroy?.();
        void made?.terminate?.();
        made?.kill?.();
        out[name] = 'ok';
      } catch (error) {
        out[name] = UnsupportedError.is(error) ? `${error.capability}: ${error.message}` : `other: ${String(error)}`;
      }
    }
    return out;
  });
}

const TRIES = {
  worker: () => new Worker('process.exit(0)', { eval: true }),
  childProcess: () => childProcess.spawn(process.execPath, ['-e', '0']),
  takenEarly: () => takenEarly(() => {}, 10),
  tlsConnect: () => tls.connect(443, 'example.invalid'),
  httpsGet: () => https.get('https://example.invalid/'),
  earlySocket: () => new EarlySocket().connect(80, 'example.invalid'),
  resolve4: () => dns.resolve4('example.invalid', () => {}),
};

describe('withNodeApis: escapes', () => {
  it('should refuse on a simulated host, with UnsupportedError naming the call and where it was made', async () => {
    const sim = new Simulation({ seed: 1 });
    const seen = await attempts(sim.host('a'), TRIES);
    await sim.shutdown();
    expect(seen.worker).to.match(/^spawn\.parallel: new worker_threads\.Worker\(\) inside simulated host a .*escapes\.test\.js/);
    expect(seen.childProcess).to.match(/^spawn\.parallel: child_process\.spawn\(\) inside simulated host a/);
    expect(seen.takenEarly).to.match(/^time\.virtual: a setTimeout or setInterval taken before withNodeApis .*escapes\.test\.js/);
    expect(seen.tlsConnect).to.match(/^net\.tls: tls\.connect inside simulated host a/);
    expect(seen.httpsGet).to.match(/^net\.tls: tls\.connect inside simulated host a.*at httpsGet/);
    expect(seen.earlySocket).to.match(/^net\.simulated: a real EarlySocket connecting inside simulated host a/);
    expect(seen.resolve4).to.match(/^net\.simulated: dns\.resolve4 inside simulated host a would query the real DNS/);
  });

  it('should let a real-time runtime (node) do all of it: there is nothing to escape from', async () => {
    const rt = await NodeRuntime.create();
    const { worker, childProcess: cp, takenEarly: early, earlySocket } = TRIES;
    const seen = await attempts(rt, { worker, childProcess: cp, takenEarly: early, earlySocket });
    await rt.shutdown();
    expect(seen).to.deep.equal({ worker: 'ok', childProcess: 'ok', takenEarly: 'ok', earlySocket: 'ok' });
  });

  it('should refuse a TLS server, a real timer re-armed, and a write to a real socket from inside a simulated host', async () => {
    const real = await realServer('');
    const outsideSocket = net.connect(real.port, '127.0.0.1');
    await new Promise((resolve) => outsideSocket.once('connect', resolve));
    const outsideTimer = takenEarly(() => {}, 60_000);
    const sim = new Simulation({ seed: 2 });
    const host = sim.host('a');
    const seen = await withNodeApis(host, () => host.run(async () => {
      const out: string[] = [];
      try { https.createServer({}).listen(443); } catch (e) { out.push(`server: ${(e as UnsupportedError).capability}`); }
      try { outsideTimer.refresh(); } catch (e) { out.push(`refresh: ${(e as UnsupportedError).capability} ${(e as Error).message}`); }
      const writeError = await new Promise<Error>((resolve) => { outsideSocket.once('error', resolve); outsideSocket.write('from inside'); });
      out.push(`write: ${(writeError as UnsupportedError).capability} ${writeError.message}`);
      return out;
    }));
    clearTimeout(outsideTimer);
    await Promise.all([sim.shutdown(), real.close()]);
    expect(seen).to.have.length(3);
    expect(seen[0]).to.equal('server: net.tls');
    expect(seen[1]).to.match(/^refresh: time\.virtual a real timer made outside simulated host a was re-armed inside it .*escapes\.test\.js/);
    expect(seen[2]).to.match(/^write: net\.simulated a write to a real socket \(127\.0\.0\.1:\d+, made outside the simulation\) from simulated host a/);
  });

  it('should let Node\'s own internals keep their timers: an http.Server listens in a simulation (its connection checks are off there)', async () => {
    const sim = new Simulation({ seed: 3 });
    const server = sim.host('server');
    const client = sim.host('client');
    let srv: http.Server | undefined;
    void withNodeApis(server, () => { srv = http.createServer((req, res) => res.end('ok')).listen(80); });
    const body = await withNodeApis(client, () => client.run(() => new Promise<string>((resolve, reject) => {
      http.get('http://server/', (res) => { let t = ''; res.setEncoding('utf8').on('data', (c: string) => { t += c; }).on('end', () => resolve(t)); }).on('error', reject);
    })));
    expect(body).to.equal('ok');
    const interval = Object.getOwnPropertySymbols(srv!).find((k) => k.description === 'http.server.connectionsCheckingInterval');
    expect(((srv as unknown as Record<symbol, { _destroyed: boolean }>)[interval!])._destroyed, 'the real-time check interval is cleared').to.equal(true);
    await sim.shutdown();
  });

  it('should refuse a socket of one simulated host written from another (a pool shared between hosts)', async () => {
    const sim = new Simulation({ seed: 4 });
    const [server, a, b] = [sim.host('server'), sim.host('a'), sim.host('b')];
    void withNodeApis(server, () => net.createServer((s) => s.on('data', () => {})).listen(7000));
    const shared = await withNodeApis(a, () => a.run(() => new Promise<net.Socket>((resolve) => {
      const s = net.connect(7000, 'server', () => resolve(s));
    })));
    const error = await withNodeApis(b, () => b.run(() => new Promise<Error>((resolve) => {
      shared.once('error', resolve);
      shared.write('from b');
    })));
    expect(error).to.be.instanceOf(UnsupportedError);
    expect(error.message).to.match(/A socket of host a cannot be written to from code running on host b/);
    await sim.shutdown();
  });
});
