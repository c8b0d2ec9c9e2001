// What a pending task holds, by object kind: heap snapshots before and after 10k tasks park on one promise, node spawnLocal vs a raw async function. Run after building: node packages/node/scripts/pending-bytes.mjs [node|raw]
import v8 from 'node:v8';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NodeRuntime } from '../dist/src/index.js';

const mode = process.argv[2] ?? 'node';
const N = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'pending-bytes-'));
const rt = await NodeRuntime.create();
let open;
const gate = new Promise((resolve) => { open = resolve; });

/** Object count and bytes per kind (type and constructor name) in a fresh heap snapshot. */
function census(file) {
  v8.writeHeapSnapshot(file);
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const kinds = new Map();
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt]];
    const name = type.includes('string') ? '' : snapshot.strings[snapshot.nodes[i + nameAt]].slice(0, 50);
    const kind = `${type}:${name}`;
    const entry = kinds.get(kind) ?? [0, 0];
    entry[0]++;
    entry[1] += snapshot.nodes[i + sizeAt];
    kinds.set(kind, entry);
  }
  return kinds;
}

const before = census(join(dir, 'before.heapsnapshot'));
const all = [];
if (mode === 'raw') for (let i = 0; i < N; i++) all.push((async () => { await gate; })());
else for (let i = 0; i < N; i++) all.push(rt.executor.spawnLocal(async () => { await gate; }));
await new Promise((resolve) => setTimeout(resolve, 20));
const after = census(join(dir, 'after.heapsnapshot'));
rmSync(dir, { recursive: true, force: true });
let total = 0;
const rows = [];
for (const [kind, [count, bytes]] of after) {
  const [count0, bytes0] = before.get(kind) ?? [0, 0];
  total += bytes - bytes0;
  if (Math.abs(bytes - bytes0) > N * 4) rows.push([kind, (count - count0) / N, (bytes - bytes0) / N]);
}
rows.sort((a, b) => b[2] - a[2]);
for (const [kind, count, bytes] of rows) console.log(`${bytes.toFixed(1).padStart(7)} B/task ${count.toFixed(2).padStart(5)} objects/task  ${kind}`);
console.log(`total ${(total / N).toFixed(1)} B/task (${mode}; the snapshot's own strings and arrays are in both)`);
open();
await Promise.all(all);
await rt.shutdown();
