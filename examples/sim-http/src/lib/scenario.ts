// The cache scenarios: two readers and a writer talk to the cache over undici, the cache to the backend, all unmodified under withNodeApis, under a fault plan.
//
// Every host runs its Node code inside withNodeApis: node:http servers, undici clients, setTimeout,
// Math.random — on the simulation's virtual time and seeded randomness. The invariant, checked with
// `always` on every read: a reader never sees an older version of an item than one it saw before.
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import { defineTask, type TaskContext } from '@runtime-traits/core';
import { always, Simulation, sometimes } from '@runtime-traits/local';
import { withNodeApis } from '@runtime-traits/node-compat';
import { applyPlan, type FaultPlan, type PlanOptions } from '@runtime-traits/simtest';
import { startBackend, type Disk, type Item } from './backend.js';
import { CACHE_PORT, startCache, type CacheStats } from './cache.js';

export const READERS = ['r1', 'r2'];
export const HOSTS = ['backend', 'cache', ...READERS, 'writer'];
const READS = 30;
const WRITES = 12;

/** The faults explore draws: partitions and bad links on every path, crashes of the cache and the backend, in the first 5 s. */
export const HTTP_FAULTS: PlanOptions = {
  hosts: HOSTS,
  links: [['cache', 'backend'], ['writer', 'cache'], ...READERS.map((r): [string, string] => [r, 'cache'])],
  crashable: ['cache', 'backend'],
  window: 5_000,
  duration: { min: 200, max: 3_000 },
  episodes: { min: 1, max: 4 },
};

async function readLoop(name: string): Promise<void> {
  let last = 0;
  for (let i = 0; i < READS; i++) {
    await sleep(100 + Math.floor(Math.random() * 200));
    let item: Item;
    try {
      const res = await request(`http://cache:${CACHE_PORT}/item/a`, { headersTimeout: 3_000, bodyTimeout: 3_000 });
      if (res.statusCode !== 200) {
        await res.body.dump();
        continue;
      }
      item = await res.body.json() as Item;
    } catch {
      continue; // the cache is down or cut off: try again later
    }
    always(item.version >= last, 'a reader never sees an older version than one it saw',
      `${name} read version ${item.version} after version ${last}`);
    last = item.version;
  }
}

async function writeLoop(): Promise<void> {
  for (let i = 1; i <= WRITES; i++) {
    await sleep(300 + Math.floor(Math.random() * 400));
    try {
      const res = await request(`http://cache:${CACHE_PORT}/item/a`, { method: 'PUT', body: `value ${i}`, headersTimeout: 3_000, bodyTimeout: 3_000 });
      await res.body.dump();
    } catch {
      // lost with the cache: the next write goes on
    }
  }
}

/** The simulations these runs use: links of 1–20 ms, and a run that goes on past 10 virtual minutes fails. */
export const CACHE_SIM = { latency: { min: 1, max: 20 }, maxTime: 600_000 };

/** One run on `sim`: the backend and the cache (restarted after a crash), readers and a writer, under `plan`. */
export async function runCacheOn(sim: Simulation, plan: FaultPlan, keepNewest: boolean): Promise<CacheStats> {
  const stats: CacheStats = { hits: 0, fills: 0, retries: 0, stale: 0 };
  const disk: Disk = new Map();
  const options = { backend: 'http://backend', ttlMs: 1_000, attempts: 3, timeoutMs: 1_000, keepNewest };
  const services = { backend: () => startBackend(disk), cache: () => startCache(options, stats) };
  for (const [name, start] of Object.entries(services)) {
    void withNodeApis(sim.host(name), start);
    sim.onRestart(name, (rt) => void withNodeApis(rt, start));
  }
  const readers = READERS.map((name) => sim.host(name));
  const writer = sim.host('writer');
  applyPlan(sim, plan);
  // The driver host only waits: no fault touches it.
  await sim.host('driver').run(async () => {
    await Promise.all([
      ...readers.map((host) => withNodeApis(host, () => host.executor.spawnLocal(() => readLoop(host.hostName), { name: 'reader' }))),
      withNodeApis(writer, () => writer.executor.spawnLocal(writeLoop, { name: 'writer' })),
    ]);
  });
  sometimes(stats.hits > 0, 'the cache answered from memory');
  sometimes(stats.retries > 0, 'the cache retried the backend');
  sometimes(stats.stale > 0, 'a fetched item arrived older than the cached one');
  sometimes(sim.trace().some((line) => line.endsWith('cache RESTART')), 'the cache restarted');
  return stats;
}

/** One run on a simulation of its own, built from `seed`. */
export async function runCache(seed: number, plan: FaultPlan, keepNewest: boolean): Promise<CacheStats> {
  const sim = new Simulation({ seed, ...CACHE_SIM });
  try {
    return await runCacheOn(sim, plan, keepNewest);
  } finally {
    await sim.shutdown();
  }
}

/** The naive cache: whatever the backend answered last is cached, even when it is older than what the cache holds. */
export const cacheNaive = defineTask(import.meta.url, 'cacheNaive', async (_cx: TaskContext, seed: number, plan: FaultPlan) => {
  await runCache(seed, plan, false);
});

/** The fixed cache: an item that arrives older than the cached one does not replace it. */
export const cacheFixed = defineTask(import.meta.url, 'cacheFixed', async (_cx: TaskContext, seed: number, plan: FaultPlan) => {
  await runCache(seed, plan, true);
});

export const VARIANTS = { naive: cacheNaive, fixed: cacheFixed } as const;
