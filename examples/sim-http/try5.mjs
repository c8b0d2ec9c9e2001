import { writeFileSync } from 'node:fs';
import { Simulation } from '@runtime-traits/local';
import { generatePlan } from '@runtime-traits/simtest';
import { runCacheOn, CACHE_SIM, HTTP_FAULTS } from './dist/src/lib/index.js';
const first = Number(process.argv[2]);
if (first) { const s = new Simulation({ seed: first, ...CACHE_SIM }); await runCacheOn(s, generatePlan(first, HTTP_FAULTS), false).catch(() => {}); await s.shutdown(); }
const sim = new Simulation({ seed: 1, ...CACHE_SIM });
await runCacheOn(sim, { faults: [] }, false).catch((e) => {});
await sim.shutdown();
writeFileSync(`/tmp/trace-after-${first}.txt`, sim.trace().join('\n'));
console.log(first, sim.traceHash());
