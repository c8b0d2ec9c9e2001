// The kv scenarios: three clients doing GET/SET/INCR on two keys through a retrying client, under a fault plan; the history must be linearizable.
import { defineTask, type TaskContext } from '@runtime-traits/core';
import { always, Simulation, sometimes, type LocalRuntime } from '@runtime-traits/local';
import { applyPlan, checkLinearizable, History, models, type FaultPlan, type Operation, type PlanOptions } from '@runtime-traits/simtest';
import { KV_PORT, makeDisk, startKvServer } from './durable-server.js';
import { CORRECT, RetryingKv, type KvPolicy } from './retrying-kv.js';

export const CLIENTS = ['c1', 'c2', 'c3'];
export const HOSTS = ['server', ...CLIENTS];
const KEYS = ['x', 'y'];
const OPS_PER_CLIENT = 12;

/** The links of the kv simulations, when no fault touches them: 1..10 ms one way, no loss. */
const LINK = { latency: { min: 1, max: 10 }, lossRate: 0 };

/** The faults explore draws for these scenarios: partitions, crashes and slow lossy links (client–server) within the first 4 s. */
export const KV_FAULTS: PlanOptions = {
  hosts: HOSTS,
  links: CLIENTS.map((c): [string, string] => [c, 'server']),
  window: 4_000,
  duration: { min: 200, max: 4_000 },
  episodes: { min: 1, max: 4 },
  baseline: LINK, // a slow link ends back at this simulation's links, not generatePlan's default (1..5 ms)
};

/** Runs one kv scenario: returns the history (and throws SimAssertionError when it is not linearizable). */
export async function runKv(seed: number, plan: FaultPlan, policy: KvPolicy): Promise<Operation[]> {
  const sim = new Simulation({ seed, latency: LINK.latency, lossRate: LINK.lossRate, maxTime: 600_000 });
  try {
    const server = sim.host('server');
    const disk = makeDisk(server);
    startKvServer(server, disk);
    sim.onRestart('server', (rt) => startKvServer(rt, disk));
    const hosts = CLIENTS.map((name) => sim.host(name));
    applyPlan(sim, plan);
    const history = new History(server.reactor.clock);
    // A Set, not an `[]` literal: V8 may pretenure a literal that outlives most scavenges, and a dead
    // pretenured array keeps each run's clients (and their whole simulation) alive until a full GC.
    const clients = new Set<RetryingKv>();
    // The driver host only waits for the clients: no fault touches it, so a crashed client cannot end the run.
    await sim.host('driver').run(async () => {
      const loops = hosts.map((host, i) => host.executor.spawnLocal((cx) => clientLoop(cx, host, i, seed, history, policy, clients), { name: 'kv-client' }));
      await Promise.allSettled(loops);
    });
    const ops = history.operations();
    sometimes(ops.some((op) => op.return === Infinity), 'an operation ended with an unknown outcome');
    sometimes([...clients].some((c) => c.resent > 0), 'a write was sent again');
    sometimes([...clients].some((c) => c.staleAnswers > 0), 'a read was answered from the cache');
    sometimes(sim.trace().some((line) => line.endsWith('server RESTART')), 'the server restarted');
    const result = checkLinearizable(ops, models.kv());
    always(result.ok, 'kv history is linearizable', result.counterexample
      ? `non-linearizable history (* = an output the contradiction needs):\n${formatHistory(result.counterexample, result.essential)}` : undefined);
    return ops;
  } finally {
    await sim.shutdown();
  }
}

async function clientLoop(
  cx: TaskContext, host: LocalRuntime, index: number, seed: number, history: History, policy: KvPolicy, clients: Set<RetryingKv>,
): Promise<void> {
  const { clock, net } = cx.runtime.reactor;
  const kv = new RetryingKv(host.hostName, net, clock, { host: 'server', port: KV_PORT }, history, policy);
  clients.add(kv);
  let state = (seed * 7919 + index * 104_729) >>> 0;
  const random = (n: number): number => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return (state >>> 8) % n;
  };
  for (let i = 0; i < OPS_PER_CLIENT; i++) {
    await clock.sleep(random(600));
    const key = KEYS[random(KEYS.length)]!;
    const pick = random(10);
    if (pick < 4) await kv.get(key);
    else if (pick < 6) await kv.set(key, String(index * 100 + i));
    else await kv.incr(key);
  }
  await kv.close();
}

/** One line per operation: `* c1 incr x -> 3  [t 1200..2400 ms]` (* marks the `essential` ones). */
export function formatHistory(ops: readonly Operation[], essential: readonly Operation[] = []): string {
  return ops.map((op) => {
    const input = op.input as { key: string; value?: string };
    const arg = input.value === undefined ? input.key : `${input.key} ${input.value}`;
    const out = op.return === Infinity ? '?' : JSON.stringify(op.output);
    const at = op.at ? `  [t ${op.at[0]}..${op.at[1] ?? '?'} ms]` : '';
    return `${essential.includes(op) ? '*' : ' '} ${op.client} ${op.op} ${arg} -> ${out}${at}`;
  }).join('\n');
}

/** The correct client: its histories are linearizable under every fault plan. */
export const kvCorrect = defineTask(import.meta.url, 'kvCorrect', async (_cx: TaskContext, seed: number, plan: FaultPlan) => {
  await runKv(seed, plan, CORRECT);
});

/** Bug 1: a write that timed out is sent again (an INCR applied twice). */
export const kvRetryWrites = defineTask(import.meta.url, 'kvRetryWrites', async (_cx: TaskContext, seed: number, plan: FaultPlan) => {
  await runKv(seed, plan, { ...CORRECT, retryWrites: true });
});

/** Bug 2: a read that cannot reach the server answers from the client's cache. */
export const kvStaleReads = defineTask(import.meta.url, 'kvStaleReads', async (_cx: TaskContext, seed: number, plan: FaultPlan) => {
  await runKv(seed, plan, { ...CORRECT, staleReads: true });
});

export const VARIANTS = { correct: kvCorrect, 'retry-writes': kvRetryWrites, 'stale-reads': kvStaleReads } as const;
