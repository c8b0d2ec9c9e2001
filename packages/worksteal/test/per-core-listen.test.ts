// Per-core listening on a thread-per-core runtime: with net.reusePort every worker listens on one port and the kernel spreads connections.
import { expect } from 'chai';
import { connect } from 'node:net';
import { WorkStealingRuntime } from '../src/index.js';
import { listenShared } from './fixtures/per-core-tasks.js';

/** One connection to 127.0.0.1:port; the line the server answered (its worker index). */
function ask(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => { text += chunk; });
    socket.on('end', () => resolve(text.trim()));
    socket.on('error', reject);
  });
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

describe('WorkStealingRuntime thread-per-core: a listener per worker on one port', function () {
  this.timeout(60_000);
  let rt: WorkStealingRuntime;
  before(async () => { rt = await WorkStealingRuntime.create({ workers: 2, stealing: false }); });
  after(() => rt.shutdown());

  it('with net.reusePort: every worker listens on the same port and connections reach both', async function () {
    if (!rt.capabilities.has('net.reusePort')) this.skip(); // needs capability net.reusePort (Node >= 22.12 on Linux; this engine lacks it)
    const state = new SharedArrayBuffer(12);
    const words = new Int32Array(state);
    const first = rt.spawnOn(0, listenShared, [0, state]);
    await until(() => Atomics.load(words, 1) === 1, 'worker 0 to listen');
    const port = Atomics.load(words, 0);
    const second = rt.spawnOn(1, listenShared, [port, state]);
    await until(() => Atomics.load(words, 1) === 2, 'worker 1 to listen');
    const answers: string[] = [];
    for (let i = 0; i < 64; i++) answers.push(await ask(port)); // one at a time: new source ports, new hashes
    Atomics.store(words, 2, 1);
    const served = [await first, await second] as Array<{ worker: number; served: number }>;
    expect(served.map((s) => s.worker)).to.deep.equal([0, 1]);
    expect(served[0]!.served + served[1]!.served).to.equal(64);
    expect(new Set(answers), 'the kernel spread 64 connections over both workers').to.deep.equal(new Set(['0', '1']));
    expect(answers.filter((a) => a === '0').length).to.equal(served[0]!.served);
  });

  it('without net.reusePort: listen(..., { reusePort: true }) on a worker rejects UnsupportedError, and the mode still runs', async function () {
    if (rt.capabilities.has('net.reusePort')) this.skip(); // tests the absence of capability net.reusePort (this engine has it)
    const state = new SharedArrayBuffer(12);
    expect(await rt.broadcast(listenShared, [0, state])).to.deep.equal(['UnsupportedError', 'UnsupportedError']);
  });
});
