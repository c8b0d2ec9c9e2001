// Where the node spawnLocal's time goes: the deferred call, then the Task members on its promise, then a 9-field cell, then spawnLocal (CPU time, medians). Run after building: node packages/node/scripts/handle-floor.mjs
import { NodeRuntime } from '../dist/src/index.js';
const rt = await NodeRuntime.create();
const RESOLVED = Promise.resolve();
const N = 1000; const CELL = Symbol('cell');
function cancel() {} function detach() {}
class Cell { constructor(id, h) { this.state = 'pending'; this.id = id; this.handle = h; this.owner = null; this.resolveFn = undefined; this.extras = undefined; this.body = undefined; this.liveNext = undefined; this.livePrev = undefined; } }
const ex = rt.executor;
const c = {
  raw: async () => { let t = 0; for (let i = 0; i < N; i++) t += await RESOLVED.then(() => i + 1); return t; },
  dressed: async () => { let t = 0; for (let i = 0; i < N; i++) { const p = RESOLVED.then(() => i + 1); p.id = i; p.state = 'pending'; p.cancel = cancel; p.detach = detach; p[CELL] = p; t += await p; } return t; },
  dressedCell: async () => { let t = 0; for (let i = 0; i < N; i++) { const p = RESOLVED.then(() => i + 1); const cell = new Cell(i, p); p.id = i; p.state = 'pending'; p.cancel = cancel; p.detach = detach; p[CELL] = cell; t += await p; } return t; },
  node: async () => { let t = 0; for (let i = 0; i < N; i++) t += await ex.spawnLocal(() => i + 1); return t; },
};
const acc = Object.fromEntries(Object.keys(c).map(k => [k, []]));
for (let r = 0; r < 9; r++) for (const [name, fn] of Object.entries(c)) {
  const c0 = process.cpuUsage(); for (let k = 0; k < 500; k++) await fn(); const cpu = process.cpuUsage(c0);
  acc[name].push((cpu.user + cpu.system) * 1e3 / (500 * N));
}
const med = a => [...a].sort((x, y) => x - y)[a.length >> 1];
const base = med(acc.raw);
for (const [k, v] of Object.entries(acc)) console.log(k.padEnd(12), med(v).toFixed(0).padStart(4), 'ns cpu (median of 9)', (base / med(v)).toFixed(2) + 'x', `[${Math.min(...v).toFixed(0)}..${Math.max(...v).toFixed(0)}]`);
await rt.shutdown();
