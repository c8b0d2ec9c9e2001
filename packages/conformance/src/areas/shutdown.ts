// Area: shutdown — tasks cancelled with a RuntimeShutdownError reason, IO closed, spawns and reactor calls refused, idempotent.
import { expect } from 'chai';
import { CancelledError, RuntimeShutdownError, type Task } from '@runtime-traits/core';
import type { Harness } from '../harness.js';
import * as tasks from '../tasks.js';
import { describeError, expectReject, expectThrowSync, holds, never, settle } from '../util.js';

const outside = { outside: true };

export function shutdownArea(h: Harness): void {
  h.describe('shutdown', () => {
    h.describe('tasks', () => {
      h.it('spawnLocal afterwards throws RuntimeShutdownError synchronously', async (t) => {
        await t.rt.shutdown();
        expectThrowSync(() => t.ex.spawnLocal(() => 1), RuntimeShutdownError);
      }, outside);
      h.it('spawn afterwards throws RuntimeShutdownError synchronously', async (t) => {
        await t.rt.shutdown();
        expectThrowSync(() => t.ex.spawn(tasks.add, [1, 2]), RuntimeShutdownError);
      }, outside);
      h.it('spawnBlocking afterwards throws RuntimeShutdownError synchronously', async (t) => {
        await t.rt.shutdown();
        expectThrowSync(() => t.ex.spawnBlocking(tasks.add, [1, 2]), RuntimeShutdownError);
      }, outside);
      h.it('join afterwards throws RuntimeShutdownError synchronously', async (t) => {
        await t.rt.shutdown();
        expectThrowSync(() => t.ex.join(tasks.add, [1, 2], tasks.add, [3, 4]), RuntimeShutdownError);
      }, outside);
      h.it('run() afterwards rejects with RuntimeShutdownError', async (t) => {
        await t.rt.shutdown();
        let result: Promise<unknown> | undefined;
        try { result = t.rt.run(() => 1); } catch (error) { result = Promise.reject(error); }
        await expectReject(result, RuntimeShutdownError);
      }, outside);
      h.it('aborts a running task\'s signal with a RuntimeShutdownError reason', async (t) => {
        let reason: unknown;
        const { task } = await t.rt.run(async (cx) => {
          const task = cx.runtime.executor.spawnLocal((tcx) => new Promise<void>((resolve) => {
            tcx.signal.addEventListener('abort', () => { reason = tcx.signal.reason; resolve(); }, { once: true });
          }));
          await cx.runtime.executor.yieldNow();
          return { task };
        });
        await t.rt.shutdown();
        await settle(task);
        holds(RuntimeShutdownError.is(reason), 'cx.signal aborted with a RuntimeShutdownError reason', () => describeError(reason));
      }, outside);
      h.it('rejects a running task\'s handle with CancelledError', async (t) => {
        const { task } = await t.rt.run(async (cx) => {
          const task = cx.runtime.executor.spawnLocal(() => never());
          await cx.runtime.executor.yieldNow();
          return { task };
        });
        await t.rt.shutdown();
        await expectReject(task, CancelledError);
        expect(task.state).to.equal('cancelled');
      }, outside);
      h.it('rejects a running portable task\'s handle with CancelledError', async (t) => {
        const { task } = await t.rt.run(async (cx) => {
          const task = cx.runtime.executor.spawn(tasks.sleepFor, [3_600_000]);
          await cx.runtime.reactor.clock.sleep(5);
          return { task };
        });
        await t.rt.shutdown();
        await expectReject(task, CancelledError);
      }, outside);
      h.it('never runs a task that had not started, and rejects its handle', async (t) => {
        let ran = false;
        const task = t.ex.spawnLocal(() => { ran = true; });
        await t.rt.shutdown();
        await expectReject(task, CancelledError);
        holds(!ran, 'the body of a task queued at shutdown never to run', () => 'it ran');
      }, outside);
      h.it('settles a task that ignores its signal', async (t) => {
        const { task } = await t.rt.run(async (cx) => {
          const task = cx.runtime.executor.spawnLocal(() => never<string>());
          await cx.runtime.executor.yieldNow();
          return { task };
        });
        await t.rt.shutdown();
        await expectReject(task, CancelledError);
      }, outside);
      h.it('lets running tasks finish within graceMs', async (t) => {
        const { task } = await t.rt.run(async (cx) => {
          const task: Task<string> = cx.runtime.executor.spawnLocal(async (tcx) => { await tcx.runtime.reactor.clock.sleep(10); return 'finished'; });
          await cx.runtime.executor.yieldNow();
          return { task };
        });
        await t.rt.shutdown({ graceMs: 60_000 });
        expect(await task).to.equal('finished');
      }, outside);
      h.it('leaves no active task in metrics()', async (t) => {
        await t.rt.run(async (cx) => {
          cx.runtime.executor.spawnLocal(() => never()).detach();
          cx.runtime.executor.spawnLocal(() => never()).detach();
          await cx.runtime.executor.yieldNow();
        });
        await t.rt.shutdown();
        expect(t.rt.metrics().active).to.equal(0);
      }, outside);
    });

    h.describe('reactor', () => {
      h.it('rejects a pending sleep with RuntimeShutdownError', async (t) => {
        const sleeping = t.clock.sleep(3_600_000);
        sleeping.catch(() => undefined);
        await t.rt.shutdown();
        await expectReject(sleeping, RuntimeShutdownError);
      }, outside);
      h.it('rejects a sleep started afterwards with RuntimeShutdownError', async (t) => {
        await t.rt.shutdown();
        await expectReject(Promise.resolve().then(() => t.clock.sleep(1)), RuntimeShutdownError);
      }, outside);
      h.it('a pending accept() resolves null', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        const pending = listener.accept();
        await t.rt.shutdown();
        expect(await pending).to.equal(null);
      }, { outside: true, needs: ['net.tcp'] });
      h.it('closes open connections: a pending read() resolves null', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        const [client, server] = await Promise.all([t.net.connect(listener.address), listener.accept()]);
        const pending = server!.read();
        await t.rt.shutdown();
        expect(await pending).to.equal(null);
        await client.closed;
        await server!.closed;
      }, { outside: true, needs: ['net.tcp'] });
      h.it('closes UDP sockets: a pending recv() resolves null', async (t) => {
        const socket = await t.net.bindUdp({ port: 0 });
        const pending = socket.recv();
        await t.rt.shutdown();
        expect(await pending).to.equal(null);
      }, { outside: true, needs: ['net.udp'] });
      h.it('rejects listen() and connect() afterwards with RuntimeShutdownError', async (t) => {
        await t.rt.shutdown();
        await expectReject(Promise.resolve().then(() => t.net.listen({ port: 0 })), RuntimeShutdownError);
        await expectReject(Promise.resolve().then(() => t.net.connect({ host: '127.0.0.1', port: 9 })), RuntimeShutdownError);
      }, { outside: true, needs: ['net.tcp'] });
      h.it('rejects bindUdp() afterwards with RuntimeShutdownError', async (t) => {
        await t.rt.shutdown();
        await expectReject(Promise.resolve().then(() => t.net.bindUdp({ port: 0 })), RuntimeShutdownError);
      }, { outside: true, needs: ['net.udp'] });
      h.it('rejects lookup() afterwards with RuntimeShutdownError', async (t) => {
        await t.rt.shutdown();
        await expectReject(Promise.resolve().then(() => t.net.lookup('localhost')), RuntimeShutdownError);
      }, { outside: true, needs: ['net.dns'] });
      h.it('rejects timeout() afterwards with RuntimeShutdownError', async (t) => {
        await t.rt.shutdown();
        await expectReject(Promise.resolve().then(() => t.clock.timeout(10, never())), RuntimeShutdownError);
      }, outside);
    });

    h.describe('idempotence', () => {
      h.it('a second shutdown() resolves', async (t) => {
        await t.rt.shutdown();
        await t.rt.shutdown();
      }, outside);
      h.it('concurrent shutdown() calls all resolve', async (t) => {
        await Promise.all([t.rt.shutdown(), t.rt.shutdown(), t.rt.shutdown()]);
      }, outside);
      h.it('asyncDispose shuts the runtime down', async (t) => {
        await t.rt[Symbol.asyncDispose]();
        expectThrowSync(() => t.ex.spawnLocal(() => 1), RuntimeShutdownError);
      }, outside);
      h.it('shutdown() from inside a task completes and refuses later spawns', async (t) => {
        await settle(t.rt.run(async (cx) => { await cx.runtime.shutdown(); }));
        expectThrowSync(() => t.ex.spawnLocal(() => 1), RuntimeShutdownError);
      }, outside);
    });
  });
}
