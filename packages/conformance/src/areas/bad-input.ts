// Area: bad input — every public method given wrong arguments throws the kit's TypeError/RangeError synchronously, naming the argument.
import type { Capability, Connection, TaskDef } from '@runtime-traits/core';
import type { Case, Harness } from '../harness.js';
import * as tasks from '../tasks.js';
import { connectedPair, expectThrowOrReject, expectThrowSync } from '../util.js';

type BadCall = [title: string, call: (t: Case) => unknown, cls: typeof TypeError | typeof RangeError, names: RegExp, needs?: Capability[]];

/** Private state does not survive a structured clone (the copy is an empty plain object): refused everywhere. */
class WithPrivateState {
  #secret = 42;
  get secret(): number { return this.#secret; }
}

const def = tasks.add as TaskDef<unknown[], unknown>;
const noSuchDef = { module: 'x', name: 'y' } as unknown as TaskDef<unknown[], unknown>;
const fn = (): number => 1;
const addr = { host: '127.0.0.1', port: 9 };
const TCP: Capability[] = ['net.tcp'];
const UDP: Capability[] = ['net.udp'];

const CALLS: BadCall[] = [
  // spawn
  ['spawn(null, [])', (t) => t.ex.spawn(null as never, []), TypeError, /def/],
  ['spawn(a def without fn, [])', (t) => t.ex.spawn(noSuchDef, []), TypeError, /def/],
  ['spawn(def, "not an array")', (t) => t.ex.spawn(def, 'x' as never), TypeError, /args/],
  ['spawn(def, [a function])', (t) => t.ex.spawn(def, [fn]), TypeError, /args\[0\]/],
  ['spawn(def, [1, a symbol])', (t) => t.ex.spawn(def, [1, Symbol('s')]), TypeError, /args\[1\]/],
  ['spawn(def, [an object holding a function])', (t) => t.ex.spawn(def, [{ f: fn }]), TypeError, /args\[0\]/],
  ['spawn(def, [a WeakMap])', (t) => t.ex.spawn(def, [new WeakMap()]), TypeError, /args\[0\]/],
  ['spawn(def, [an instance of a class with private state])', (t) => t.ex.spawn(def, [new WithPrivateState()]), TypeError, /args\[0\]/],
  ['spawn(def, [a promise])', (t) => t.ex.spawn(def, [Promise.resolve(1)]), TypeError, /args\[0\]/],
  ['spawn(def, [], "opts")', (t) => t.ex.spawn(def, [], 'x' as never), TypeError, /opts/],
  ['spawn(def, [], { signal: "x" })', (t) => t.ex.spawn(def, [], { signal: 'x' as never }), TypeError, /signal/],
  ['spawn(def, [], { name: 5 })', (t) => t.ex.spawn(def, [], { name: 5 as never }), TypeError, /name/],
  ['spawn(def, [], { transfer: "x" })', (t) => t.ex.spawn(def, [], { transfer: 'x' as never }), TypeError, /transfer/],
  // spawnLocal
  ['spawnLocal("not a function")', (t) => t.ex.spawnLocal('x' as never), TypeError, /fn|function/],
  ['spawnLocal(undefined)', (t) => t.ex.spawnLocal(undefined as never), TypeError, /fn|function/],
  ['spawnLocal(fn, 5)', (t) => t.ex.spawnLocal(fn, 5 as never), TypeError, /opts/],
  ['spawnLocal(fn, { signal: {} })', (t) => t.ex.spawnLocal(fn, { signal: {} as never }), TypeError, /signal/],
  // spawnBlocking
  ['spawnBlocking(null, [])', (t) => t.ex.spawnBlocking(null as never, []), TypeError, /def/],
  ['spawnBlocking(def, {})', (t) => t.ex.spawnBlocking(def, {} as never), TypeError, /args/],
  ['spawnBlocking(def, [a function])', (t) => t.ex.spawnBlocking(def, [fn]), TypeError, /args\[0\]/],
  // join
  ['join(null, [], def, [])', (t) => t.ex.join(null as never, [], def, []), TypeError, /\ba\b/],
  ['join(def, "x", def, [])', (t) => t.ex.join(def, 'x' as never, def, []), TypeError, /aArgs/],
  ['join(def, [], {}, [])', (t) => t.ex.join(def, [], {} as never, []), TypeError, /\bb\b/],
  ['join(def, [], def, 5)', (t) => t.ex.join(def, [], def, 5 as never), TypeError, /bArgs/],
  ['join(def, [a function], def, [])', (t) => t.ex.join(def, [fn], def, []), TypeError, /aArgs\[0\]/],
  // run
  // clock
  ['sleep(-1)', (t) => t.clock.sleep(-1), RangeError, /ms/],
  ['sleep(NaN)', (t) => t.clock.sleep(NaN), RangeError, /ms/],
  ['sleep(Infinity)', (t) => t.clock.sleep(Infinity), RangeError, /ms/],
  ['sleep("10")', (t) => t.clock.sleep('10' as never), TypeError, /ms/],
  ['sleep(10, "opts")', (t) => t.clock.sleep(10, 'x' as never), TypeError, /opts/],
  ['sleep(10, { signal: 1 })', (t) => t.clock.sleep(10, { signal: 1 as never }), TypeError, /signal/],
  ['interval(-5)', (t) => t.clock.interval(-5), RangeError, /ms/],
  ['interval(NaN)', (t) => t.clock.interval(NaN), RangeError, /ms/],
  ['interval("5")', (t) => t.clock.interval('5' as never), TypeError, /ms/],
  ['interval(5, { signal: "x" })', (t) => t.clock.interval(5, { signal: 'x' as never }), TypeError, /signal/],
  ['timeout(-1, promise)', (t) => t.clock.timeout(-1, Promise.resolve()), RangeError, /ms/],
  ['timeout(Infinity, promise)', (t) => t.clock.timeout(Infinity, Promise.resolve()), RangeError, /ms/],
  ['timeout(10, 5)', (t) => t.clock.timeout(10, 5 as never), TypeError, /work/],
  // net
  ['connect(null)', (t) => t.net.connect(null as never), TypeError, /to/, TCP],
  ['connect({ host: "127.0.0.1", port: 70000 })', (t) => t.net.connect({ host: '127.0.0.1', port: 70000 }), RangeError, /port/, TCP],
  ['connect({ host: "127.0.0.1", port: -1 })', (t) => t.net.connect({ host: '127.0.0.1', port: -1 }), RangeError, /port/, TCP],
  ['connect({ host: "127.0.0.1", port: 1.5 })', (t) => t.net.connect({ host: '127.0.0.1', port: 1.5 }), RangeError, /port/, TCP],
  ['connect({ host: "127.0.0.1", port: "80" })', (t) => t.net.connect({ host: '127.0.0.1', port: '80' as never }), TypeError, /port/, TCP],
  ['connect({ host: "", port: 80 })', (t) => t.net.connect({ host: '', port: 80 }), TypeError, /host/, TCP],
  ['connect({ port: 80 }) without host', (t) => t.net.connect({ port: 80 } as never), TypeError, /host/, TCP],
  ['connect({ path: "" })', (t) => t.net.connect({ path: '' }), TypeError, /path/, TCP],
  ['connect({ host: "127.0.0.1" }) without port', (t) => t.net.connect({ host: '127.0.0.1' } as never), TypeError, /port/, TCP],
  ['connect({ host: "127.0.0.1", port: 80 }, { tls: "yes" })', (t) => t.net.connect(addr, { tls: 'yes' as never }), TypeError, /tls/, TCP],
  ['connect(addr, "opts")', (t) => t.net.connect(addr, 'x' as never), TypeError, /opts/, TCP],
  ['connect(addr, { signal: 1 })', (t) => t.net.connect(addr, { signal: 1 as never }), TypeError, /signal/, TCP],
  ['listen("x")', (t) => t.net.listen('x' as never), TypeError, /at/, TCP],
  ['listen({ port: -1 })', (t) => t.net.listen({ port: -1 }), RangeError, /port/, TCP],
  ['listen({ port: 65536 })', (t) => t.net.listen({ port: 65536 }), RangeError, /port/, TCP],
  ['listen({ port: NaN })', (t) => t.net.listen({ port: NaN }), RangeError, /port/, TCP],
  ['listen({ host: 5, port: 0 })', (t) => t.net.listen({ host: 5 as never, port: 0 }), TypeError, /host/, TCP],
  ['listen({ path: "" })', (t) => t.net.listen({ path: '' }), TypeError, /path/, TCP],
  ['listen(null)', (t) => t.net.listen(null as never), TypeError, /at/, TCP],
  ['listen({ port: 0 }, "opts")', (t) => t.net.listen({ port: 0 }, 'x' as never), TypeError, /opts/, TCP],
  ['bindUdp({ port: 65536 })', (t) => t.net.bindUdp({ port: 65536 }), RangeError, /port/, UDP],
  ['bindUdp({ port: "0" })', (t) => t.net.bindUdp({ port: '0' as never }), TypeError, /port/, UDP],
  ['bindUdp(null)', (t) => t.net.bindUdp(null as never), TypeError, /at/, UDP],
  // runtime
];

const ASYNC_CALLS: BadCall[] = [
  ['run("not a function")', (t) => t.rt.run('x' as never), TypeError, /main|fn|function/],
  ['lookup(5)', (t) => t.net.lookup(5 as never), TypeError, /hostname/, ['net.dns']],
  ['lookup("")', (t) => t.net.lookup(''), TypeError, /hostname/, ['net.dns']],
  ['shutdown({ graceMs: -1 })', (t) => t.rt.shutdown({ graceMs: -1 }), RangeError, /graceMs/],
  ['shutdown("opts")', (t) => t.rt.shutdown('x' as never), TypeError, /opts/],
];

/** Calls on a live connection, listener or UDP socket. */
type ConnCall = [title: string, call: (conn: Connection) => unknown, cls: typeof TypeError | typeof RangeError, names: RegExp];
const CONN_CALLS: ConnCall[] = [
  ['write(5)', (c) => c.write(5 as never), TypeError, /data/],
  ['write(null)', (c) => c.write(null as never), TypeError, /data/],
  ['write({ length: 3 })', (c) => c.write({ length: 3 } as never), TypeError, /data/],
  ['write([1, 2, 3])', (c) => c.write([1, 2, 3] as never), TypeError, /data/],
  ['write("x", { signal: "no" })', (c) => c.write('x', { signal: 'no' as never }), TypeError, /signal/],
  ['read({ signal: 1 })', (c) => c.read({ signal: 1 as never }), TypeError, /signal/],
  ['read("opts")', (c) => c.read('x' as never), TypeError, /opts/],
];

/** The argument a pattern names, for a readable title ('args\\[0\\]' → 'args[0]', '\\ba\\b' → 'a'). */
const named = (pattern: RegExp): string => pattern.source.replace(/\\b/g, '').replace(/\\/g, '');

export function badInputArea(h: Harness): void {
  h.describe('bad input', () => {
    for (const [title, call, cls, names, needs] of CALLS) {
      h.it(`${title} throws ${cls.name} synchronously naming ${named(names)}`, (t) => {
        expectThrowSync(() => call(t), cls, { message: names });
      }, needs ? { needs } : {});
    }
    for (const [title, call, cls, names] of CONN_CALLS) {
      h.it(`connection.${title} throws ${cls.name} synchronously naming ${named(names)}`, async (t) => {
        const { client } = await connectedPair(t);
        expectThrowSync(() => call(client), cls, { message: names });
      }, { needs: TCP });
    }
    h.it('listener.accept({ signal: 1 }) throws TypeError synchronously naming signal', async (t) => {
      const listener = await t.net.listen({ port: 0 });
      t.defer(() => listener.close());
      expectThrowSync(() => listener.accept({ signal: 1 as never }), TypeError, { message: /signal/ });
    }, { needs: TCP });
    h.it('udp.send(5, addr) throws TypeError synchronously naming data', async (t) => {
      const socket = await t.net.bindUdp({ port: 0 });
      t.defer(() => socket.close());
      expectThrowSync(() => socket.send(5 as never, addr), TypeError, { message: /data/ });
    }, { needs: UDP });
    h.it('udp.send("x", { host: "127.0.0.1", port: -1 }) throws RangeError synchronously naming port', async (t) => {
      const socket = await t.net.bindUdp({ port: 0 });
      t.defer(() => socket.close());
      expectThrowSync(() => socket.send('x', { host: '127.0.0.1', port: -1 }), RangeError, { message: /port/ });
    }, { needs: UDP });
    h.it('udp.send("x", { host: "127.0.0.1", port: 0 }) throws RangeError synchronously naming to.port (0 binds, but is no destination)', async (t) => {
      const socket = await t.net.bindUdp({ port: 0 });
      t.defer(() => socket.close());
      expectThrowSync(() => socket.send('x', { host: '127.0.0.1', port: 0 }), RangeError, { message: /\bto\.port\b/ });
    }, { needs: UDP });
    h.it('udp.send("x", null) throws TypeError synchronously naming to', async (t) => {
      const socket = await t.net.bindUdp({ port: 0 });
      t.defer(() => socket.close());
      expectThrowSync(() => socket.send('x', null as never), TypeError, { message: /\bto\b/ });
    }, { needs: UDP });
    h.it('udp.recv({ signal: "x" }) throws TypeError synchronously naming signal', async (t) => {
      const socket = await t.net.bindUdp({ port: 0 });
      t.defer(() => socket.close());
      expectThrowSync(() => socket.recv({ signal: 'x' as never }), TypeError, { message: /signal/ });
    }, { needs: UDP });
    // Methods whose arguments the pinned list does not name (run's main, lookup's hostname, shutdown's
    // options): a synchronous throw or a rejection are both accepted, but the class and the name are not optional.
    for (const [title, call, cls, names, needs] of ASYNC_CALLS) {
      h.it(`${title} throws or rejects with ${cls.name} naming ${named(names)}`, async (t) => {
        await expectThrowOrReject(() => call(t), cls, { message: names });
      }, needs ? { needs } : {});
    }
    h.it('a bad argument leaves the runtime usable', async (t) => {
      try { t.clock.sleep(-1); } catch { /* expected */ }
      try { t.ex.spawn(null as never, []); } catch { /* expected */ }
      await t.clock.sleep(1);
      await t.ex.spawn(tasks.add, [1, 1]);
    });
  });
}
