// The conformance suite against BullMQRuntime: two worker processes allow the suite's task module's folder.
import { createRequire } from 'node:module';
import path from 'node:path';
import { conformanceSuite } from '@runtime-traits/conformance';
import { BullMQRuntime } from '../src/index.js';
import { startRedis, type TestRedis } from './helpers/redis.js';
import { startWorker, type WorkerProcess } from './helpers/workers.js';

/** packages/conformance/dist/src: where the suite's portable tasks (tasks.js) live. */
const SUITE_DIR = path.dirname(createRequire(import.meta.url).resolve('@runtime-traits/conformance'));
const QUEUE = 'conformance';

describe('BullMQRuntime conformance', function () {
  let redis: TestRedis | undefined;
  let workers: WorkerProcess[] = [];

  before(async function () {
    this.timeout(60_000);
    redis = await startRedis();
    workers = await Promise.all([0, 1].map(() => startWorker({ redis: redis!.url, queue: QUEUE, concurrency: 16, allow: [SUITE_DIR] })));
  });
  after(async function () {
    this.timeout(60_000);
    await Promise.all(workers.map((w) => w.stop()));
    await redis?.stop();
  });

  conformanceSuite({
    name: 'bullmq',
    create: (options) => BullMQRuntime.create({ ...options, connection: redis!.url, queue: QUEUE }),
  });
});
