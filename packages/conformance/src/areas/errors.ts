// Area: the error family — classes, codes and names from real operations, errors crossing threads, capabilities and UnsupportedError.
import { expect } from 'chai';
import {
  CAPABILITIES, CancelledError, NetError, RuntimeError, RuntimeShutdownError, TimeoutError, UnsupportedError,
  type Capability,
} from '@runtime-traits/core';
import type { Case, Harness } from '../harness.js';
import * as tasks from '../tasks.js';
import type { FailKind } from '../tasks.js';
import {
  describeError, expectError, expectReject, expectThrowSync, holds, listen, never, portOf, settle, uniqueSocketPath, untilAborted,
} from '../util.js';
import { TEST_CERT, TEST_KEY } from '../fixtures/test-cert.js';

/** What each kind thrown by `failWith` must look like on the awaiting side. */
const KINDS: Array<{ kind: FailKind; code?: string; check: (e: unknown) => void }> = [
  { kind: 'TypeError', check: (e) => expectError(e, TypeError, { message: /^crossed$/ }) },
  { kind: 'RangeError', check: (e) => expectError(e, RangeError, { message: /^crossed$/ }) },
  { kind: 'Error', check: (e) => { expectError(e, Error, { message: /^crossed$/ }); expect((e as Error).name).to.equal('Error'); } },
  { kind: 'ErrorWithCode', code: 'E_APP', check: (e) => expectError(e, Error, { message: /^crossed$/, code: 'E_APP' }) },
  { kind: 'NetError', code: 'EHOSTUNREACH', check: (e) => expectError(e, NetError, { message: /^crossed$/, code: 'EHOSTUNREACH', name: 'NetError' }) },
  { kind: 'TimeoutError', check: (e) => expectError(e, TimeoutError, { message: /^crossed$/, code: 'ETIMEDOUT', name: 'TimeoutError' }) },
  { kind: 'RuntimeError', code: 'E_CUSTOM_RT', check: (e) => expectError(e, RuntimeError, { message: /^crossed$/, code: 'E_CUSTOM_RT' }) },
];

/** Calls an async method that must REJECT (not throw) with UnsupportedError naming `capability`. */
async function expectUnsupported(call: () => Promise<unknown>, capability: Capability): Promise<void> {
  let promise: Promise<unknown> | undefined;
  try {
    promise = call();
  } catch (error) {
    expect.fail(`an async method threw synchronously (${String(error)}); it must reject with UnsupportedError`);
  }
  const error = await expectReject(promise!, UnsupportedError, { code: 'ERR_UNSUPPORTED', name: 'UnsupportedError' });
  expect((error as UnsupportedError).capability).to.equal(capability);
}

async function somePort(t: Case, h: Harness): Promise<number> {
  if (!h.has('net.tcp')) return 9;
  return portOf((await listen(t)).address);
}

export function errorsArea(h: Harness): void {
  h.describe('errors', () => {
    h.describe('from real operations', () => {
      h.it('a cancelled task rejects with CancelledError: RuntimeError family, code ABORT_ERR, name AbortError', async (t) => {
        const task = t.ex.spawnLocal((cx) => untilAborted(cx));
        await t.ex.yieldNow();
        void task.cancel();
        const error = await expectReject(task, CancelledError, { code: 'ABORT_ERR', name: 'AbortError' });
        holds(RuntimeError.is(error), 'an error of the RuntimeError family (RuntimeError.is)', () => describeError(error));
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).message).to.be.a('string').that.is.not.empty;
      });
      h.it('timeout() rejects with TimeoutError: RuntimeError family, code ETIMEDOUT', async (t) => {
        const error = await expectReject(t.clock.timeout(1, never()), TimeoutError, { code: 'ETIMEDOUT' });
        holds(RuntimeError.is(error), 'an error of the RuntimeError family (RuntimeError.is)', () => describeError(error));
        holds(!CancelledError.is(error), 'a TimeoutError that is not also a CancelledError', () => describeError(error));
      });
      h.it('spawn after shutdown throws RuntimeShutdownError: code ERR_RUNTIME_SHUTDOWN', async (t) => {
        await t.rt.shutdown();
        const error = expectThrowSync(() => t.ex.spawnLocal(() => 1), RuntimeShutdownError, { code: 'ERR_RUNTIME_SHUTDOWN', name: 'RuntimeShutdownError' });
        holds(RuntimeError.is(error), 'an error of the RuntimeError family (RuntimeError.is)', () => describeError(error));
      }, { outside: true });
      h.it('a refused connection is a NetError of the RuntimeError family with code ECONNREFUSED', async (t) => {
        const listener = await t.net.listen({ port: 0 });
        await listener.close();
        const error = await expectReject(t.net.connect(listener.address), NetError, { code: 'ECONNREFUSED', name: 'NetError' });
        holds(RuntimeError.is(error), 'an error of the RuntimeError family (RuntimeError.is)', () => describeError(error));
        expect(error).to.be.instanceOf(Error);
        expect((error as Error).message).to.be.a('string').that.is.not.empty;
      }, { needs: ['net.tcp'] });
      h.it('an aborted sleep is a CancelledError, not a TimeoutError', async (t) => {
        const error = await expectReject(t.clock.sleep(10, { signal: AbortSignal.abort() }), CancelledError);
        holds(!TimeoutError.is(error), 'a CancelledError that is not also a TimeoutError', () => describeError(error));
      });
    });

    h.describe('errors thrown by portable tasks keep class, message and code', () => {
      for (const { kind, code, check } of KINDS) {
        h.it(`spawn: a ${kind}${code ? ` (${code})` : ''}`, async (t) => {
          const outcome = await settle(t.ex.spawn(tasks.failWith, [kind, 'crossed', code]));
          expect(outcome, 'the task resolved').to.have.property('error');
          check((outcome as { error: unknown }).error);
        });
      }
      for (const { kind, code, check } of KINDS) {
        h.it(`spawnBlocking: a ${kind}${code ? ` (${code})` : ''}`, async (t) => {
          const outcome = await settle(t.ex.spawnBlocking(tasks.failWith, [kind, 'crossed', code]));
          expect(outcome, 'the task resolved').to.have.property('error');
          check((outcome as { error: unknown }).error);
        });
      }
      h.it('join: a NetError keeps class and code', (t) => {
        expectThrowSync(() => t.ex.join(tasks.fib, [3], tasks.failWith, ['NetError', 'crossed', 'ECONNRESET']), NetError, { code: 'ECONNRESET' });
      });
    });

    h.describe('capabilities', () => {
      h.it('names only known capabilities', (t) => {
        expect(typeof t.rt.capabilities.has).to.equal('function');
        for (const c of t.rt.capabilities) expect(CAPABILITIES as readonly string[], `unknown capability ${c}`).to.include(c);
      });
      h.it('has a non-empty name and is AsyncDisposable', (t) => {
        expect(t.rt.name).to.be.a('string').that.is.not.empty;
        expect(typeof t.rt[Symbol.asyncDispose]).to.equal('function');
      });
      h.it('two listeners share a port with reusePort', async (t) => {
        const first = await listen(t, { port: 0 }, { reusePort: true });
        const second = await listen(t, { port: portOf(first.address) }, { reusePort: true });
        expect(portOf(second.address)).to.equal(portOf(first.address));
      }, { needs: ['net.tcp', 'net.reusePort'] });
    });

    h.describe('a missing capability raises UnsupportedError, never a silent fallback', () => {
      // spawn.blocking, like spawn.parallel and join.parallel, says WHERE work runs, not whether it
      // can: without it spawnBlocking runs the task on the loop, so a library works (and is testable
      // under the deterministic runtime) everywhere.
      h.it('spawnBlocking still runs the task without spawn.blocking (on the loop)', async (t) => {
        expect(await t.ex.spawnBlocking(tasks.add, [1, 2])).to.equal(3);
      }, { lacks: 'spawn.blocking' });
      h.it('listen() rejects with UnsupportedError(net.tcp)', async (t) => {
        await expectUnsupported(() => t.net.listen({ port: 0 }), 'net.tcp');
      }, { lacks: 'net.tcp' });
      h.it('connect() rejects with UnsupportedError(net.tcp)', async (t) => {
        await expectUnsupported(() => t.net.connect({ host: '127.0.0.1', port: 9 }), 'net.tcp');
      }, { lacks: 'net.tcp' });
      h.it('bindUdp() rejects with UnsupportedError(net.udp)', async (t) => {
        await expectUnsupported(() => t.net.bindUdp({ port: 0 }), 'net.udp');
      }, { lacks: 'net.udp' });
      h.it('listen({ path }) rejects with UnsupportedError(net.unix)', async (t) => {
        await expectUnsupported(() => t.net.listen({ path: uniqueSocketPath('/tmp') }), 'net.unix');
      }, { lacks: 'net.unix' });
      h.it('connect({ path }) rejects with UnsupportedError(net.unix)', async (t) => {
        await expectUnsupported(() => t.net.connect({ path: uniqueSocketPath('/tmp') }), 'net.unix');
      }, { lacks: 'net.unix' });
      h.it('lookup() rejects with UnsupportedError(net.dns)', async (t) => {
        await expectUnsupported(() => t.net.lookup('localhost'), 'net.dns');
      }, { lacks: 'net.dns' });
      h.it('listen() with tls rejects with UnsupportedError(net.tls)', async (t) => {
        await expectUnsupported(() => t.net.listen({ port: 0 }, { tls: { key: TEST_KEY, cert: TEST_CERT } }), 'net.tls');
      }, { needs: ['net.tcp'], lacks: 'net.tls' });
      h.it('connect() with tls rejects with UnsupportedError(net.tls)', async (t) => {
        const port = await somePort(t, h);
        await expectUnsupported(() => t.net.connect({ host: '127.0.0.1', port }, { tls: { ca: TEST_CERT } }), 'net.tls');
      }, { needs: ['net.tcp'], lacks: 'net.tls' });
      h.it('listen() with reusePort rejects with UnsupportedError(net.reusePort)', async (t) => {
        await expectUnsupported(() => t.net.listen({ port: 0 }, { reusePort: true }), 'net.reusePort');
      }, { needs: ['net.tcp'], lacks: 'net.reusePort' });
    });
  });
}
