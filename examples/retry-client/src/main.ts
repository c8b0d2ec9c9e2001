// The app: runs the greeting server and the retry client on the runtime named by --runtime / RUNTIME.
//   local (default): a seeded Simulation — the server crashes at 3.5 s and comes back a minute later,
//                    all in virtual time; prints every attempt and the trace hash (SIM_SEED to replay).
//   node:            real loopback TCP on NodeRuntime (imported only when asked for).
import type { Runtime } from '@runtime-traits/core';
import { Simulation } from '@runtime-traits/local';
import { RetryClient, serveGreetings } from './index.js';

/** A usage error names its flag and exits 2, as the other examples' apps do. */
function usage(message: string): never {
  console.error(`retry-client: ${message}`);
  process.exit(2);
}

const flag = process.argv.indexOf('--runtime');
const runtimeName = flag >= 0 ? process.argv[flag + 1] ?? '' : process.env.RUNTIME ?? 'local'; // a bare --runtime is an error, not local
if (runtimeName !== 'local' && runtimeName !== 'node') usage(`--runtime must be local or node, got ${JSON.stringify(runtimeName)}`);

async function onLocal(): Promise<void> {
  const seed = process.env.SIM_SEED ?? 2024;
  const sim = new Simulation({ seed, latency: { min: 2, max: 20 }, lossRate: 0.05 });
  serveGreetings(sim.host('server'), { host: '0.0.0.0', port: 7000 }); // the client is another simulated host
  sim.host('operator').executor.spawnLocal(async (cx) => {
    await cx.runtime.reactor.clock.sleep(3_500);
    sim.crash('server');
    await cx.runtime.reactor.clock.sleep(60_000);
    serveGreetings(sim.restart('server'), { host: '0.0.0.0', port: 7000 });
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
  const server = serveGreetings(rt, { host: '127.0.0.1', port: 7070 });
  try {
    await rt.run(async (cx) => {
      // No waiting for the server to listen: a refused first attempt is simply retried. But a server that
      // cannot listen (7070 taken) fails its task at once, and the client must not go on talking to
      // whoever holds the port: the race ends the run with the server's error.
      const retry = new RetryClient(cx.runtime.reactor, { host: '127.0.0.1', port: 7070 }, { timeoutMs: 5_000 });
      const stopped = server.then(() => { throw new Error('the greeting server stopped'); });
      console.log(await Promise.race([retry.request('HELLO node'), stopped]));
    });
  } finally {
    await rt.shutdown();
  }
}

try {
  await (runtimeName === 'local' ? onLocal() : onNode());
} catch (error) {
  // A port in use, a peer's reset after the last retry: one line, not a stack trace.
  console.error(`retry-client: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
