// Shard-per-core kv-server: what a command over several shards holds (its keys, not the shard) and in what order
// holds and waiting operations go, EXEC's watched keys, and the one moment every part of such a command runs at.
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { ownerOf, shardHold, shardRun } from '../src/shard/index.js';
import { STAT_OP } from '../src/shard/route.js';
import { shardRunHeld } from '../src/shard/shard.js';
import { keysOnEveryShard, onShards10, pairAcrossShards, shardedServer } from './support/sharded.js';

describe('kv-server shard-per-core: holds per key (worksteal, stealing: false)', function () {
  this.timeout(60_000);
  const fixture = shardedServer();
  const { connect, spreadOverWorkers, twoPairs } = fixture;
  let rt: WorkStealingRuntime;
  let redis: Redis;
  before(() => ({ rt, redis } = fixture));

  it('holds only the keys of a command over several shards: other keys of the shard answer at once, the held one waits (here and forwarded)', async () => {
    const [a, b] = pairAcrossShards('lease');
    const shard = ownerOf(a, 2);
    const other = keysOnEveryShard('lease-other', 8, 2).find((key) => ownerOf(key, 2) === shard)!;
    await redis.mset(a, '1', b, '2', other, '3');
    const both = await spreadOverWorkers(2);
    // As a worker that died holding a: the token's worker (987_654_321 % 2) runs no such command, so the hold ends at its check.
    await rt.spawnOn(shard, shardHold, [987_654_321, [a], { checkMs: 600, giveUpMs: 60_000 }]);
    const started = performance.now();
    for (const client of both) expect(await client.get(other), 'a key the hold does not cover').to.equal('3');
    expect(await redis.mget(b, other)).to.deep.equal(['2', '3']);
    expect(performance.now() - started, 'none of them waited for the hold').to.be.lessThan(400);
    const waited = await Promise.all(both.map(async (client) => {
      expect(await client.get(a)).to.equal('1');
      return performance.now() - started;
    }));
    expect(Math.min(...waited), 'the held key waited for the check').to.be.greaterThan(500);
    const quick = performance.now();
    expect(await redis.mget(a, b)).to.deep.equal(['1', '2']);
    expect(performance.now() - quick).to.be.lessThan(300);
  });

  it('runs an operation that waited for a held key before a hold asked for after it (MSETNX whose last shard is its worker\'s own)', async () => {
    // A connection's SET k waits for a hold on k; an MSETNX over k asks for k after it. When the hold
    // ends, the SET must run before the MSETNX's hold on k is taken, or the MSETNX's check (on its own
    // worker's shard, the last in ascending order, run one promise job after the hold is taken) sees k
    // absent, the SET writes it under the hold, and the MSETNX overwrites it. That meeting needs the
    // writer and the MSETNX on worker 1; both groups of connections are tried.
    const groups = await twoPairs();
    const wrong: string[] = [];
    for (const [g, [writer, setter]] of groups.entries()) {
      const [k, j] = onShards10(`fifo-nx${g}`);
      // A hold on k of shard 1 by a command that no worker runs: it ends at its check (as in the test above).
      await rt.spawnOn(1, shardHold, [987_654_321 + 2 * g, [k], { checkMs: 400, giveUpMs: 60_000 }]);
      const set = writer!.set(k, 'w'); // waits for the hold
      await new Promise((resolve) => setTimeout(resolve, 100));
      const msetnx = setter!.msetnx(j, 's', k, 's'); // holds j on shard 0, then waits for k on shard 1 behind the SET
      const [setReply, won] = await Promise.all([set, msetnx]);
      const after = await redis.mget(j, k);
      // The SET came first on k: the MSETNX must find k and set nothing.
      if (setReply !== 'OK' || won !== 0 || after[0] !== null || after[1] !== 'w') wrong.push(`group ${g}: SET ${setReply}, MSETNX ${won}, then ${JSON.stringify(after)}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('EXEC after WATCH sees a write to a watched key that waited for the key before EXEC asked for its hold (no lost update)', async () => {
    // As above with EXEC after WATCH: its check of its own shard must not run before the waiting
    // INCR, which would then land between the check and the transaction that overwrites it.
    const groups = await twoPairs();
    const wrong: string[] = [];
    for (const [g, [writer, casClient]] of groups.entries()) {
      const [k, j] = onShards10(`fifo-cas${g}`);
      await redis.mset(k, '10', j, '10');
      await casClient!.watch(k, j);
      const [x] = (await casClient!.mget(k, j)) as [string, string];
      await rt.spawnOn(1, shardHold, [987_654_321 + 2 * g, [k], { checkMs: 400, giveUpMs: 60_000 }]);
      const incr = writer!.incr(k); // waits for the hold
      await new Promise((resolve) => setTimeout(resolve, 100));
      const exec = casClient!.multi().set(k, String(Number(x) + 100)).set(j, 'tx').exec(); // waits for k behind the INCR
      const [incremented, result] = await Promise.all([incr, exec]);
      const after = await redis.mget(k, j);
      // The INCR came first on k, changing a watched key: EXEC must answer null and run nothing.
      if (incremented !== 11 || result !== null || after[0] !== '11' || after[1] !== '10') {
        wrong.push(`group ${g}: INCR ${incremented}, EXEC ${JSON.stringify(result)}, then ${JSON.stringify(after)}`);
      }
    }
    expect(wrong).to.deep.equal([]);
  });

  it('EXEC after WATCH does not commit between the parts of a cross-shard MSET over a watched key and a key of the transaction', async () => {
    // EXEC's hold on a watched shard must cover the watched keys: held on none, EXEC would check its
    // watcher while an MSET holds the watched key there and has not yet run its part, then wait for
    // the MSET's other key, write it after the MSET, and commit: half of the MSET before, half after.
    // Roles: the MSET served by worker 1 (its part on shard 0 a task, here one too big for a slot),
    // EXEC by worker 0 (its check of shard 0 in place). Both assignments of the groups are tried.
    const [[a0, a1], [b0, b1]] = await twoPairs() as [[Redis, Redis], [Redis, Redis]];
    const big = 'w'.repeat(200_000);
    const wrong: string[] = [];
    for (const [g, [casClient, writer]] of ([[a0, a1], [b0, b1], [a0, b0], [b0, a0]] as const).entries()) {
      const [y, w] = onShards10(`half-watch${g}`); // w on shard 0, y on shard 1
      await redis.mset(w, 'w0', y, 'y0');
      expect(await casClient!.watch(w)).to.equal('OK');
      expect(await casClient!.call('MULTI')).to.equal('OK');
      expect(await casClient!.call('SET', y, 'E')).to.equal('QUEUED');
      // y held on shard 1 by a command no worker runs: the MSET and EXEC queue behind it, in that order.
      await rt.spawnOn(1, shardHold, [987_654_321 + 2 * g, [y], { checkMs: 400, giveUpMs: 60_000 }]);
      const mset = writer!.mset(w, big, y, 'M');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const exec = casClient!.call('EXEC');
      const [, result] = await Promise.all([mset, exec]);
      const after = await redis.mget(w, y);
      // The MSET was asked for after the WATCH: it changed w, so either EXEC aborts, or EXEC came first and y ends as the MSET's.
      if (result !== null && after[1] === 'E') wrong.push(`round ${g}: EXEC ${JSON.stringify(result)} with w ${after[0]!.slice(0, 4)}..., y ${after[1]}`);
    }
    expect(wrong).to.deep.equal([]);
  });

  it('runs every part of a command over several shards at one moment: keys given one deadline by one transaction expire together for MGET', async () => {
    // Each shard's part runs at its own time under the holds (the own shard's at once, the other's a
    // task later); the holds stop writers but not the clock, so each part reads the instant of the
    // command's first one (ShardClock). One transaction gives both keys the very same deadline (two
    // separate PEXPIREATs would not: each turns the wall-clock time into the shard's clock when it runs).
    const [a, b] = pairAcrossShards('moment');
    const readers = await spreadOverWorkers(4);
    const torn: string[] = [];
    for (let round = 0; round < 30 && torn.length === 0; round++) {
      const deadline = Date.now() + 40;
      await redis.multi().set(a, 'v').set(b, 'v').pexpireat(a, deadline).pexpireat(b, deadline).exec();
      await Promise.all(readers.map(async (reader) => {
        for (;;) {
          const [x, y] = (await reader.mget(a, b)) as [string | null, string | null];
          if ((x === null) !== (y === null)) torn.push(`round ${round}: MGET ${x} ${y}`);
          if (x === null && y === null) return;
        }
      }));
    }
    expect(torn).to.deep.equal([]);
  });

  it('runs a part at its command\'s moment: a held key alive then is still there, though plain commands on other keys of its shard ran since', async () => {
    // The remote part of an MGET/EXEC runs a task after the moment was read; meanwhile its shard serves
    // plain commands on other keys. Their sweeps of expired keys (on the live clock) must leave the
    // held keys alone: the part reads them at the moment.
    const b = 'sweep-held:b';
    const sb = ownerOf(b, 2);
    let c = 'sweep-held:c0';
    for (let i = 1; ownerOf(c, 2) !== sb; i++) c = `sweep-held:c${i}`;
    await redis.set(b, 'v', 'PX', 150);
    const token = 987_654_999;
    await rt.spawnOn(sb, shardHold, [token, [b], { checkMs: 10_000, giveUpMs: 60_000 }]);
    const moment: [number, number] = [performance.timeOrigin + performance.now(), Date.now()]; // b alive: 150 ms left
    await new Promise((resolve) => setTimeout(resolve, 300));
    await redis.set(c, 'x'); // a plain command on another key of b's shard: not held, runs at once, and sweeps
    const replies = await rt.spawnOn(sb, shardRunHeld, [token, [['get', b]], 2, true, moment]);
    expect(replies, 'GET of a key alive at the moment the part runs at').to.deep.equal(['$1\r\nv\r\n']);
  });

  it('sweeps the other expired keys of a shard while a command over several shards holds one of its keys', async () => {
    // A shard used to skip its sweep while any hold was taken, so a steady stream of cross-shard
    // MSETs kept every expired key of it in memory.
    const b = 'sweep-beside:b';
    const sb = ownerOf(b, 2);
    const [c, ...expiring] = keysOnEveryShard('sweep-beside', 60, 2).filter((key) => ownerOf(key, 2) === sb).slice(0, 21);
    await redis.set(c!, 'x');
    const stat = async (replies: PromiseLike<string[]>): Promise<number> => {
      const [keys] = (await replies).at(-1)!.split(',').map(Number); // `keys,expires`
      return keys!;
    };
    const before = await stat(rt.spawnOn(sb, shardRun, [[[STAT_OP]], 2]));
    const pipeline = redis.pipeline().set(b, 'v', 'PX', 150);
    for (const key of expiring) pipeline.set(key, 'v', 'PX', 150);
    await pipeline.exec();
    const token = 987_655_111;
    await rt.spawnOn(sb, shardHold, [token, [b], { checkMs: 10_000, giveUpMs: 60_000 }]);
    const moment: [number, number] = [performance.timeOrigin + performance.now(), Date.now()]; // b alive: 150 ms left
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (let i = 0; i < 6; i++) await redis.set(c!, 'x'); // plain commands on the shard: each sweeps up to 20 keys with a deadline
    const held = rt.spawnOn(sb, shardRunHeld, [token, [['get', b], [STAT_OP]], 2, true, moment]);
    expect((await held)[0], 'the held key, read at its command\'s moment').to.equal('$1\r\nv\r\n');
    expect(await stat(held), 'keys on the shard: the expired ones beside the held key are gone').to.equal(before + 1);
  });
});
