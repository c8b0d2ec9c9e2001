import { writeFileSync } from 'node:fs';
import { Simulation } from '@runtime-traits/local';
import { explore } from '@runtime-traits/simtest';
import { runCacheOn, cacheNaive, CACHE_SIM } from './dist/src/lib/index.js';
if (process.argv[2] === 'explore-first') await explore(cacheNaive, { seeds: 4, workers: 2, maxFailures: 4 });
if (process.argv[2] === 'run-first') { const s = new Simulation({ seed: 2, ...CACHE_SIM }); await runCacheOn(s, { faults: [] }, false).catch(() => {}); await s.shutdown(); }
const sim = new Simulation({ seed: 1, ...CACHE_SIM });
await runCacheOn(sim, { faults: [] }, false).catch((e) => console.log('failed', e.message.slice(0, 80)));
await sim.shutdown();
writeFileSync(`/tmp/trace-${process.argv[2] ?? 'fresh'}.txt`, sim.trace().join('\n'));
console.log(process.argv[2] ?? 'fresh', sim.traceHash());
