// The per-core JSON service over real HTTP: every route, per-worker state, every worker answering (with net.reusePort), a clean stop.
import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { startPerCore, stopPerCore, type PerCore } from '../src/per-core.js';

async function json(url: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { ...init, headers: { connection: 'close', ...(init?.headers ?? {}) } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('http-per-core: the JSON service on every worker', function () {
  this.timeout(60_000);
  let rt: WorkStealingRuntime;
  let service: PerCore;
  let base: string;
  before(async () => {
    rt = await WorkStealingRuntime.create({ workers: 2, stealing: false });
    service = await startPerCore(rt);
    base = `http://127.0.0.1:${service.port}`;
  });
  after(async () => {
    await stopPerCore(rt);
    await rt.shutdown();
  });

  it('answers every route, and 400/404 for bad input', async () => {
    const hello = await json(`${base}/hello`);
    expect(hello.status).to.equal(200);
    expect(hello.body.hello).to.equal('world');
    expect(hello.body.worker).to.be.oneOf([0, 1]);
    expect((await json(`${base}/sum?n=1000`)).body).to.include({ n: 1000, sum: 500500 });
    expect((await json(`${base}/sum?n=-1`)).status).to.equal(400);
    const echoed = await json(`${base}/echo`, { method: 'POST', body: JSON.stringify({ a: [1, 'two'] }), headers: { 'content-type': 'application/json' } });
    expect(echoed.body.echo).to.deep.equal({ a: [1, 'two'] });
    expect((await json(`${base}/echo`, { method: 'POST', body: '{nope' })).status).to.equal(400);
    expect((await json(`${base}/nowhere`)).status).to.equal(404);
  });

  it('keeps each worker\'s own request count (per-thread state)', async () => {
    const seen = new Map<unknown, number[]>();
    for (let i = 0; i < 40; i++) {
      const { body } = await json(`${base}/count`);
      seen.set(body.worker, [...(seen.get(body.worker) ?? []), body.served as number]);
    }
    for (const counts of seen.values()) for (let i = 1; i < counts.length; i++) expect(counts[i]).to.be.greaterThan(counts[i - 1]!);
  });

  it('with net.reusePort: every worker listens and the kernel spreads connections over both', async function () {
    if (!service.reusePort) this.skip(); // needs capability net.reusePort (Node >= 22.12 on Linux); without it worker 0 serves alone
    expect(service.listening).to.equal(2);
    const workers = new Set<unknown>();
    for (let i = 0; i < 64 && workers.size < 2; i++) workers.add((await json(`${base}/hello`)).body.worker);
    expect(workers).to.deep.equal(new Set([0, 1]));
  });

  it('without net.reusePort: worker 0 serves alone and says so', async function () {
    if (service.reusePort) this.skip(); // tests the absence of capability net.reusePort (this engine has it)
    expect(service.listening).to.equal(1);
    for (let i = 0; i < 8; i++) expect((await json(`${base}/hello`)).body.worker).to.equal(0);
  });

  it('serves the same API with the native listener (node:net\'s own listen on each worker thread)', async () => {
    const other = await WorkStealingRuntime.create({ workers: 2, stealing: false });
    try {
      const native = await startPerCore(other, { listener: 'native' });
      expect(native.listening).to.equal(native.reusePort ? 2 : 1);
      const { body } = await json(`http://127.0.0.1:${native.port}/sum?n=10`);
      expect(body).to.include({ n: 10, sum: 55 });
      await stopPerCore(other);
    } finally {
      await other.shutdown();
    }
    let refused: unknown;
    try { await startPerCore(rt, { listener: 'fast' as never }); } catch (error) { refused = error; }
    expect(refused).to.be.instanceOf(TypeError);
  });

  it('runs as a program: prints its address, serves, and exits by itself on SIGTERM', async () => {
    const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
    const child = spawn(process.execPath, [main, '--port', '0', '--workers', '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8');
      child.stdout.once('data', (chunk: string) => resolve(chunk.split('\n')[0]!));
      child.once('error', reject);
    });
    const info = JSON.parse(line) as { url: string; workers: number };
    expect(info.workers).to.equal(2);
    expect((await json(info.url)).body.hello).to.equal('world');
    child.kill('SIGTERM');
    expect(await exited).to.equal(0);
  });
  it('names a bad or unknown flag in one line and exits 2, before starting a runtime', async () => {
    const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
    for (const [args, named] of [[['--port', 'abc'], '--port'], [['--port'], '--port'], [['--port', ''], '--port'], [['--workers', '0'], '--workers'], [['--workers', 'abc'], '--workers'],
      [['--listener', 'bogus'], '--listener'], [['--bogus'], '--bogus']] as const) {
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(process.execPath, [main, ...args], { timeout: 20_000 }, (error, _stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stderr }));
      });
      expect(code, `${args.join(' ')}: ${stderr}`).to.equal(2);
      expect(stderr, args.join(' ')).to.match(/^http-per-core: [^\n]*\n$/).and.contain(named);
    }
  });

  for (const listener of ['runtime', 'native']) {
    it(`reports a port in use in one line, shuts its runtime down and exits 1 (--listener ${listener})`, async () => {
      const holder = createServer();
      await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
      const taken = (holder.address() as { port: number }).port;
      try {
        const main = fileURLToPath(new URL('../src/main.js', import.meta.url));
        // Exiting by itself within the timeout is the proof that the runtime's threads were stopped.
        const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
          execFile(process.execPath, [main, '--port', String(taken), '--workers', '2', '--listener', listener], { timeout: 20_000 }, (error, _stdout, stderr) => resolve({ code: error ? (error as { code?: number }).code ?? 1 : 0, stderr }));
        });
        expect(code, stderr).to.equal(1);
        expect(stderr).to.equal(`http-per-core: listen EADDRINUSE: address already in use 127.0.0.1:${taken}\n`);
      } finally {
        await new Promise((resolve) => holder.close(resolve));
      }
    });
  }
});
