// Cancelling a task the moment a thread runs it: the cancel flag must reach a thread that is just
// about to sleep (a lost wake-up once left about 1 in 400 cancelled blocking tasks running for ever).
import { expect } from 'chai';
import { WorkStealingRuntime } from '../src/index.js';
import { echo, untilAborted } from './fixtures/tasks.js';

describe('cancelling tasks as their thread starts them', function () {
  this.timeout(120_000);

  it('should settle every cancelled task, spawned or blocking, within a deadline', async () => {
    const rt = await WorkStealingRuntime.create({ workers: 2, blockingThreads: 1 });
    const stuck: string[] = [];
    try {
      for (let i = 0; i < 900 && stuck.length === 0; i++) {
        if (i % 3 === 0) await rt.executor.spawnBlocking(echo, [i]); // the blocking thread parks in between
        const blocking = i % 2 === 1;
        const task = (blocking ? rt.executor.spawnBlocking : rt.executor.spawn)(untilAborted, []);
        await rt.reactor.clock.sleep(i % 4);
        const settled = await Promise.race([
          task.cancel('stop').then(() => true),
          new Promise<false>((resolve) => setTimeout(resolve, 3_000, false)),
        ]);
        if (!settled || task.state !== 'cancelled') stuck.push(`${blocking ? 'blocking ' : ''}task ${i} is ${task.state}`);
      }
    } finally {
      await rt.shutdown();
    }
    expect(stuck).to.deep.equal([]);
  });
});
