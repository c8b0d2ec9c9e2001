// The app: runs the greeting server and the retry client on the runtime named by --runtime / RUNTIME.
//   local (default): a seeded Simulation — the server crashes at 3.5 s and comes back a minute later,
//                    all in virtual time; prints every attempt and the trace hash (SIM_SEED to replay).
//   node:            real loopback TCP on NodeRuntime (imported only when asked for).
import type { Runtime } from '@runtime-traits/core';
import { Simulation } from '@runtime-traits/local';
import { RetryClient, serveGreetings } from './index.js';

const flag = process.argv.indexOf('--runtime');
const runtimeName = (flag >= 0 ? process.argv[flag + 1] : undefined) ?? process.env.RUNTIME ?? 'local';

async function onLocal(): Promise<void> {
  const seed = process.env.SIM_SEED ?? 2024;
  const sim = new Simulation({ seed, latency: { min: 2, max: 20 }, lossRate: 0.05 });
  serveGreetings(sim.host('server'), { port: 7000 });
  sim.host('operator').executor.spawnLocal(async (cx) => {
    await cx.runtime.reactor.clock.sleep(3_500);
    sim.crash('server');
    await cx.runtime.reactor.clock.sleep(60_000);
    serveGreetings(sim.restart('server'), { port: 7000 });
  });
  const client = sim.host('client');
  const retry = new RetryClient(client.reactor, { host: 'server', port: 7000 });
  await client.run(async (cx) => {
    for (let i = 1; i <= 6; i++) {
      const reply = await retry.request(`HELLO client-${i}`);
      console.log(`t=${cx.runtime.reactor.clock.now()} ms  ${reply}`);
      await cx.runtime.reactor.clock.sleep(1_000);
    }
  });
  for (const a of retry.attempts.filter((x) => x.outcome !== 'ok')) console.log(`  attempt ${a.attempt} failed at t=${a.at} ms: ${a.outcome}`);
  console.log(`seed=${seed} traceHash=${sim.traceHash()} (${sim.trace().length} events)`);
  await sim.shutdown();
}

async function onNode(): Promise<void> {
  const name = '@runtime-traits/node';
  const { NodeRuntime } = await import(name) as { NodeRuntime: { create(): Promise<Runtime> } };
  const rt = await NodeRuntime.create();
  serveGreetings(rt, { host: '127.0.0.1', port: 7070 });
  await rt.run(async (cx) => {
    // No waiting for the server to listen: a refused first attempt is simply retried.
    const retry = new RetryClient(cx.runtime.reactor, { host: '127.0.0.1', port: 7070 }, { timeoutMs: 5_000 });
    console.log(await retry.request('HELLO node'));
  });
  await rt.shutdown();
}

if (runtimeName === 'local') await onLocal();
else if (runtimeName === 'node') await onNode();
else throw new TypeError(`--runtime must be local or node, got ${JSON.stringify(runtimeName)}`);
