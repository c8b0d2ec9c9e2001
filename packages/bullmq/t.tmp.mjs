import { BullMQRuntime } from './dist/src/index.js';
const rt = await BullMQRuntime.create({ connection: 'redis://127.0.0.1:6390', queue: 'x' });
await rt.run(async (cx) => {
  const task = rt.executor.spawnLocal((cx) => new Promise((res) => { cx.signal.addEventListener('abort', () => res(), { once: true }); }));
  await rt.executor.yieldNow();
  console.log('state', task.state);
  const t0 = Date.now();
  await task.cancel();
  console.log('cancelled', task.state, Date.now() - t0);
});
await rt.shutdown();
console.log('done');
