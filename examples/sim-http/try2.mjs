import { explore, shrink, describePlan, replay } from '@runtime-traits/simtest';
import { cacheNaive, cacheFixed, HTTP_FAULTS } from './dist/src/lib/index.js';
const nofault = await explore(cacheNaive, { seeds: 20, workers: 2, maxFailures: 20 });
const withf = await explore(cacheNaive, { seeds: 20, faults: HTTP_FAULTS, workers: 2, maxFailures: 20 });
const f = withf.failures[0];
const s = await shrink(cacheNaive, f, { file: '/tmp/simhttp-replay2.json' });
console.log('shrunk', describePlan(s.plan), s.traceHash);
for (let i = 0; i < 3; i++) { const r = await replay(cacheNaive, '/tmp/simhttp-replay2.json'); console.log('replay', r.traceHash); }
