// Shard-per-core kv-server (a thread-per-core WorkStealingRuntime, a shard of the keys per worker) with ioredis over real sockets:
// forwarded pipelines keep their order, keys live on their owners alone, MGET/MSET/MSETNX/DEL/EXISTS
// across shards as one step, MULTI/EXEC atomic on one shard and across shards, WATCH over keys of
// any shard, keyless commands over every shard. (What such commands hold: sharded-holds.test.ts.)
import { expect } from 'chai';
import net from 'node:net';
import type { Redis } from 'ioredis';
import type { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { ownerOf, shardKeys } from '../src/shard/index.js';
import type { ShardedServer } from '../src/shard/index.js';
import { redisCli, startServer } from './server-process.js';
import { keysOnEveryShard, pairAcrossShards, rawReplies, shardedServer } from './support/sharded.js';

describe('kv-server shard-per-core (worksteal, stealing: false)', function () {
  this.timeout(60_000);
  const fixture = shardedServer();
  const { connect, spreadOverWorkers } = fixture;
  let rt: WorkStealingRuntime;
  let server: ShardedServer;
  let redis: Redis;
  before(() => ({ rt, server, redis } = fixture));

  it('starts one shard per worker; with net.reusePort every worker listens, without it worker 0 alone', () => {
    expect(server.shards).to.equal(2);
    expect(server.listening).to.equal(rt.capabilities.has('net.reusePort') ? 2 : 1);
  });

  it('refuses an argument longer than the longest string (512 MiB - 23 bytes), in MULTI too, and goes on serving the connection', async () => {
    const huge = Buffer.alloc(2 ** 29 - 23, 0x61);
    const bulk = (b: Buffer): Buffer => Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n')]);
    const command = (...args: Array<string | Buffer>): Buffer => Buffer.concat([Buffer.from(`*${args.length}\r\n`), ...args.map((a) => bulk(Buffer.isBuffer(a) ? a : Buffer.from(a)))]);
    const socket = net.connect(server.port, '127.0.0.1');
    let got = '';
    socket.on('data', (d: Buffer) => { got += d.toString('latin1'); });
    for (const part of [command('MULTI'), command('SET', 'k', huge), command('EXEC'), command('WATCH', huge), command('PING')]) socket.write(part);
    const refusal = '-ERR an argument of 536870889 bytes is longer than shard-per-core mode can carry between shards (536870888 at most)\r\n';
    const expected = `+OK\r\n${refusal}-EXECABORT Transaction discarded because of previous errors.\r\n${refusal}+PONG\r\n`;
    for (let waited = 0; got.length < expected.length && waited < 30_000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    expect(got).to.equal(expected);
  });

  it('gives every connection its own CLIENT ID, whichever worker serves it', async () => {
    const conns = await spreadOverWorkers(8);
    const ids = await Promise.all(conns.map(async (c) => Number(await c.client('ID'))));
    expect(new Set(ids).size, `ids ${ids.join(',')}`).to.equal(ids.length);
  });

  it('keeps each key on its owner shard alone', async () => {
    const keys = keysOnEveryShard('own', 40, 2);
    await redis.mset(...keys.flatMap((key) => [key, key.toUpperCase()]));
    const held = await rt.broadcast(shardKeys, []);
    for (let worker = 0; worker < 2; worker++) {
      expect([...held[worker]!].sort()).to.deep.equal(keys.filter((key) => ownerOf(key, 2) === worker).sort());
    }
  });

  it('answers a 2000-command pipeline over both shards in command order', async () => {
    const keys = keysOnEveryShard('order', 200, 2);
    const pipeline = redis.pipeline();
    const expected: unknown[] = [];
    for (let round = 0; round < 5; round++) {
      for (const key of keys) {
        pipeline.incr(key);
        expected.push(round + 1);
        pipeline.append(`${key}:log`, `${round}`);
        expected.push(round + 1);
      }
    }
    const replies = await pipeline.exec();
    expect(replies!.map(([error, value]) => error ?? value)).to.deep.equal(expected);
    expect(await redis.mget(keys.map((key) => `${key}:log`))).to.deep.equal(keys.map(() => '01234'));
  });

  it('orders replies when the shards answer out of order (a slow KEYS on one shard, quick GETs on the other)', async () => {
    const keys = keysOnEveryShard('slow', 4000, 2);
    await redis.mset(...keys.flatMap((key) => [key, key]));
    const onZero = keys.filter((key) => ownerOf(key, 2) === 0);
    const onOne = keys.filter((key) => ownerOf(key, 2) === 1);
    for (let i = 0; i < 20; i++) {
      const pipeline = redis.pipeline();
      pipeline.get(onZero[i]!).set(onZero[i]!, 'x').get(onOne[i]!).keys('slow:*').get(onZero[i]!).get(onOne[i]!);
      const replies = (await pipeline.exec())!.map(([error, value]) => error ?? value);
      expect(replies.slice(0, 3)).to.deep.equal([onZero[i], 'OK', onOne[i]]);
      expect((replies[3] as string[]).length).to.equal(4000);
      expect(replies.slice(4)).to.deep.equal(['x', onOne[i]]);
      await redis.set(onZero[i]!, onZero[i]!);
    }
  });

  it('forwards batches larger than the shared channel (40 KB values) and their large replies intact', async () => {
    const keys = keysOnEveryShard('big', 8, 2);
    const values = keys.map((key, i) => `${key}=`.padEnd(40_000, String.fromCharCode(97 + i)));
    const pipeline = redis.pipeline();
    keys.forEach((key, i) => pipeline.set(key, values[i]!));
    keys.forEach((key) => pipeline.strlen(key));
    pipeline.mget(keys);
    const replies = (await pipeline.exec())!.map(([error, value]) => error ?? value);
    expect(replies).to.deep.equal([...keys.map(() => 'OK'), ...keys.map(() => 40_000), values]);
  });

  it('gives each connection its own replies when many connections\' batches for a shard travel in one task (RESP2 and RESP3 side by side)', async () => {
    const conns = await spreadOverWorkers(12);
    const keys = keysOnEveryShard('together', 20, 2);
    const missing = keysOnEveryShard('together-missing', 6, 2);
    // Values of 0.2–1.9 KB: a channel takes a few batches, so a turn makes one flush or several.
    const value = (c: number, round: number, k: number): string => `${c}/${round}/${k}:`.padEnd(200 + 150 * c, String.fromCharCode(97 + c));
    const together = Promise.all(conns.map(async (client, c) => {
      const seen: unknown[][] = [];
      for (let round = 0; round < 6; round++) {
        const pipeline = client.pipeline();
        keys.forEach((key, k) => pipeline.set(`${key}:${c}`, value(c, round, k)));
        keys.forEach((key) => pipeline.get(`${key}:${c}`));
        missing.forEach((key) => pipeline.get(key));
        seen.push((await pipeline.exec())!.map(([error, reply]) => error ?? reply));
      }
      return seen;
    }));
    // A RESP3 connection meanwhile: its nils are RESP3's, the others' RESP2's.
    const [rounds, resp3] = await Promise.all([together, rawReplies(server.port, [['HELLO', '3'], ...missing.map((key) => ['GET', key])])]);
    expect(resp3.slice(1)).to.deep.equal(missing.map(() => '_\r\n'));
    rounds.forEach((seen, c) => seen.forEach((replies, round) => {
      expect(replies, `connection ${c}, round ${round}`).to.deep.equal([
        ...keys.map(() => 'OK'), ...keys.map((_, k) => value(c, round, k)), ...missing.map(() => null)]);
    }));
  });

  it('splits MSET, MGET, DEL and EXISTS across shards and puts their replies back together', async () => {
    const keys = keysOnEveryShard('multi', 30, 2);
    expect(await redis.mset(...keys.flatMap((key, i) => [key, `v${i}`]))).to.equal('OK');
    const asked = [...keys, 'multi:missing'].reverse();
    expect(await redis.mget(asked)).to.deep.equal(asked.map((key) => (key === 'multi:missing' ? null : `v${keys.indexOf(key)}`)));
    expect(await redis.exists(keys[0]!, keys[0]!, ...keys.slice(1), 'multi:missing')).to.equal(keys.length + 1);
    expect(await redis.del(...keys.slice(0, 10), 'multi:missing')).to.equal(10);
    expect(await redis.mget(keys.slice(0, 12))).to.deep.equal([...keys.slice(0, 10).map(() => null), 'v10', 'v11']);
    expect(await redis.dbsize()).to.equal(keys.length - 10);
  });

  it('runs MSETNX across shards as one step: all or nothing, and of racing ones exactly one wins', async () => {
    const [a, b, c] = keysOnEveryShard('nx', 3, 2);
    expect(await redis.msetnx(a!, '1', b!, '2')).to.equal(1);
    expect(await redis.mget(a!, b!)).to.deep.equal(['1', '2']);
    expect(await redis.msetnx(c!, 'x', a!, 'y')).to.equal(0); // a exists: nothing is set
    expect(await redis.mget(a!, c!)).to.deep.equal(['1', null]);
    expect(await redis.msetnx('{t}x', '1', '{t}y', '2')).to.equal(1);
    expect(await redis.mget('{t}x', '{t}y')).to.deep.equal(['1', '2']);
    // Racing MSETNXs over the same two shards, from connections on both workers: one wins each round, whole.
    const racers = await Promise.all([1, 2, 3, 4].map(() => connect()));
    for (let round = 0; round < 40; round++) {
      const [x, y] = pairAcrossShards(`race${round}`);
      const won = await Promise.all(racers.map((client, i) => (i % 2 === 0 ? client.msetnx(x, `c${i}`, y, `c${i}`) : client.msetnx(y, `c${i}`, x, `c${i}`))));
      expect(won.filter((one) => one === 1), `round ${round}`).to.have.length(1);
      const winner = `c${won.indexOf(1)}`;
      expect(await redis.mget(x, y)).to.deep.equal([winner, winner]);
    }
  });

  it('runs MSET and MGET across shards as one step: readers on other connections never see half of one', async () => {
    const [a, b] = pairAcrossShards('pair');
    await redis.mset(a, '0', b, '0');
    // A torn read needs the writer and a reader served by different workers (each then runs its own
    // shard's part first); with one listening worker (no net.reusePort) every connection is on worker 0.
    const [writer, ...readers] = await spreadOverWorkers(6);
    let running = true;
    let reads = 0;
    const torn: string[] = [];
    const polling = readers.map(async (reader, i) => {
      while (running) {
        reads++;
        if (i % 3 === 0) { // one step: both values of one MSET
          const [x, y] = (await reader.mget(a, b)) as [string, string];
          if (x !== y) torn.push(`MGET ${x} ${y}`);
        } else { // two commands: once one key shows round n, the other cannot show an earlier round
          const [first, second] = i % 3 === 1 ? [a, b] : [b, a];
          const x = Number(await reader.get(first));
          const y = Number(await reader.get(second));
          if (y < x) torn.push(`GET ${first} ${x} then ${second} ${y}`);
        }
      }
    });
    for (let round = 1; round <= 300; round++) expect(await writer!.mset(a, `${round}`, b, `${round}`)).to.equal('OK');
    running = false;
    await Promise.all(polling);
    expect(reads).to.be.greaterThan(100);
    expect(torn, 'half-applied MSETs seen').to.deep.equal([]);
    expect(await redis.mget(a, b)).to.deep.equal(['300', '300']);
  });

  it('answers a command named like an Object.prototype property (CONSTRUCTOR, __PROTO__) over keys of two shards with an error, and keeps the connection', async () => {
    // route.ts once looked names up in plain objects: EVERY_KEY['constructor'] was not undefined, so the
    // command was split and held as an MGET would be, combine() got a function and the connection dropped.
    const [a, b] = pairAcrossShards('proto');
    for (const name of ['CONSTRUCTOR', '__PROTO__']) {
      const client = await connect();
      const reply = await client.call(name, a, b).then(String, (error: Error) => error.message);
      expect(reply, name).to.match(/unknown command/);
      expect(await client.ping(), name).to.equal('PONG');
    }
  });

  it('runs MULTI/EXEC on one shard atomically: a reader on another connection never sees half', async () => {
    const reader = await connect();
    let running = true;
    const seen: Array<[string | null, string | null]> = [];
    const polling = (async () => {
      while (running) seen.push((await reader.mget('{acct}a', '{acct}b')) as [string | null, string | null]);
    })();
    for (let i = 0; i < 100; i++) {
      const replies = await redis.multi().incr('{acct}a').set('{acct}note', `t${i}`).incr('{acct}b').exec();
      expect(replies!.map(([error, value]) => error ?? value)).to.deep.equal([i + 1, 'OK', i + 1]);
    }
    running = false;
    await polling;
    expect(seen.length).to.be.greaterThan(0);
    for (const [a, b] of seen) expect(a, 'both counters move together').to.equal(b);
    expect(await redis.mget('{acct}a', '{acct}b', '{acct}note')).to.deep.equal(['100', '100', 't99']);
  });

  it('runs MULTI/EXEC across shards as one step, its replies in queued order', async () => {
    const [a, b] = pairAcrossShards('tx');
    const replies = await redis.multi().set(a, '1').set(b, '2').incr(a).mget(a, b).dbsize().mset(a, '5', b, '6').exec();
    expect(replies!.map(([error, value]) => error ?? value)).to.deep.equal(['OK', 'OK', 2, ['2', '2'], 2, 'OK']);
    expect(await redis.mget(a, b)).to.deep.equal(['5', '6']);
    // A command failing inside runs as on one thread: its error in its place, the rest applied.
    const failed = await redis.multi().set(a, 'x').incr(a).set(b, 'y').exec();
    expect(failed![0]).to.deep.equal([null, 'OK']);
    expect(failed![1]![0]).to.be.instanceOf(Error).with.property('message').that.matches(/not an integer/);
    expect(failed![2]).to.deep.equal([null, 'OK']);
    expect(await redis.mget(a, b)).to.deep.equal(['x', 'y']);
    expect(await redis.ping()).to.equal('PONG'); // the connection is out of MULTI
    // MSETNX over several shards cannot be queued (as in Redis Cluster): EXEC aborts, nothing of it runs.
    await redis.set(a, 'kept');
    expect(await redis.call('MULTI')).to.equal('OK');
    expect(await redis.call('SET', b, 'no')).to.equal('QUEUED');
    const queued = await redis.call('MSETNX', a, 'n', b, 'n').then(() => null, (e: Error) => e);
    expect(queued?.message).to.match(/^CROSSSLOT MSETNX over keys of several shards/);
    const aborted = await redis.call('EXEC').then(() => null, (e: Error) => e);
    expect(aborted?.message).to.match(/^EXECABORT/);
    expect(await redis.mget(a, b)).to.deep.equal(['kept', 'y']);
  });

  it('refuses HELLO queued in MULTI (EXECABORT); the shards answer other connections in their own protocol', async () => {
    const onOne = pairAcrossShards('hello').find((key) => ownerOf(key, 2) === 1)!;
    // HELLO 3 inside MULTI, on a raw socket (a RESP2 client library would not read the RESP3 replies):
    // refused when queued, so the transaction aborts.
    const replies = await rawReplies(server.port, [['MULTI'], ['SET', onOne, '1'], ['HELLO', '3'], ['EXEC']]);
    expect(replies.slice(0, 2)).to.deep.equal(['+OK\r\n', '+QUEUED\r\n']);
    expect(replies[2]).to.match(/^-ERR HELLO cannot be queued/);
    expect(replies[3]).to.match(/^-EXECABORT/);
    // Shard 1's replies to everyone else stay RESP2: a forwarded GET of a missing key is $-1 (null), not _.
    const missing = Array.from({ length: 20 }, (_, i) => `hello:missing${i}`).find((key) => ownerOf(key, 2) === 1)!;
    for (const client of await spreadOverWorkers(4)) expect(await client.get(missing)).to.equal(null);
  });

  it('runs MULTI/EXEC across shards atomically: readers on both workers never see half', async () => {
    const [a, b] = pairAcrossShards('acct');
    const [writer, ...readers] = await spreadOverWorkers(5);
    let running = true;
    const torn: string[] = [];
    const polling = readers.map(async (reader, i) => {
      while (running) {
        if (i % 2 === 0) {
          const [x, y] = (await reader.mget(a, b)) as [string | null, string | null];
          if (x !== y) torn.push(`MGET ${x} ${y}`);
        } else {
          const x = Number(await reader.get(a));
          const y = Number(await reader.get(b));
          if (y < x) torn.push(`GET ${x} then ${y}`);
        }
      }
    });
    for (let i = 0; i < 200; i++) {
      const replies = await writer!.multi().incr(a).set(`{acct}note`, `t${i}`).incr(b).exec();
      expect(replies!.map(([error, value]) => error ?? value)).to.deep.equal([i + 1, 'OK', i + 1]);
    }
    running = false;
    await Promise.all(polling);
    expect(torn, 'half-applied transactions seen').to.deep.equal([]);
    expect(await redis.mget(a, b, '{acct}note')).to.deep.equal(['200', '200', 't199']);
  });

  it('answers DBSIZE, KEYS, SCAN, INFO keyspace and FLUSHALL/FLUSHDB from every shard', async () => {
    const keys = keysOnEveryShard('all', 300, 2);
    await redis.mset(...keys.flatMap((key) => [key, '1']));
    await redis.set('all:ttl', '1', 'EX', 100);
    expect(await redis.dbsize()).to.equal(301);
    expect((await redis.keys('all:*')).sort()).to.deep.equal([...keys, 'all:ttl'].sort());
    expect(await redis.keys('all:1?')).to.have.members(keys.filter((key) => /^all:1\d$/.test(key)));
    const scanned: string[] = [];
    let cursor = '0';
    do {
      const [next, page] = await redis.scan(cursor, 'MATCH', 'all:*', 'COUNT', 50);
      scanned.push(...page);
      cursor = next;
    } while (cursor !== '0');
    expect(scanned.sort()).to.deep.equal([...keys, 'all:ttl'].sort());
    for (const start of ['00', '+0', '-0']) { // one cursor as Redis reads it: the scan starts on shard 0 and goes on over both
      const [next, page] = await redis.scan(start, 'COUNT', 1000);
      const [again] = await redis.scan(next, 'COUNT', 1000);
      expect([next !== '0', again, page.length > 0], start).to.deep.equal([true, '0', true]);
    }
    expect(await redis.info('keyspace')).to.equal('# Keyspace\r\ndb0:keys=301,expires=1,avg_ttl=0\r\n');
    expect(await redis.flushdb()).to.equal('OK');
    expect(await redis.dbsize()).to.equal(0);
    expect(await rt.broadcast(shardKeys, [])).to.deep.equal([[], []]);
    expect(await redis.info('keyspace')).to.equal('# Keyspace\r\n');
  });

  it('WATCH over keys of both shards: EXEC runs only if none changed, and any change aborts it', async () => {
    const [a, b] = pairAcrossShards('w');
    const other = await connect();
    await redis.mset(a, '1', b, '1');
    // Nobody touched them: EXEC runs, on one shard or on both.
    expect(await redis.watch(a, b)).to.equal('OK');
    expect(await redis.multi().incr(a).exec()).to.deep.equal([[null, 2]]);
    expect(await redis.watch(a, b)).to.equal('OK');
    expect(await redis.multi().incr(a).incr(b).exec()).to.deep.equal([[null, 3], [null, 2]]);
    // Another connection writes the key on the other shard: nothing of the transaction runs.
    await redis.watch(a, b);
    await other.set(b, 'changed');
    expect(await redis.multi().set(a, 'no').exec()).to.equal(null);
    expect(await redis.mget(a, b)).to.deep.equal(['3', 'changed']);
    // EXEC forgot the WATCH: the next transaction runs.
    await other.set(b, 'again');
    expect(await redis.multi().set(a, 'yes').exec()).to.deep.equal([[null, 'OK']]);
    // UNWATCH and DISCARD forget it too.
    await redis.watch(a, b);
    await redis.unwatch();
    await other.set(a, 'x');
    expect(await redis.multi().set(b, 'ran').exec()).to.deep.equal([[null, 'OK']]);
    await redis.watch(a, b);
    expect(await redis.call('MULTI')).to.equal('OK');
    expect(await redis.call('SET', a, 'dropped')).to.equal('QUEUED');
    expect(await redis.call('DISCARD')).to.equal('OK');
    await other.set(b, 'y');
    expect(await redis.multi().set(a, 'ran').exec()).to.deep.equal([[null, 'OK']]);
    // An expiry is a change.
    await redis.set(b, 'soon', 'PX', 50);
    await redis.watch(a, b);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await redis.multi().set(a, 'late').exec()).to.equal(null);
    expect(await redis.get(a)).to.equal('ran');
  });

  it('keeps the order of a pipeline on each shard, the own one included (WATCH, MULTI/EXEC, MGET before later commands)', async () => {
    for (const k of pairAcrossShards('order')) { // one of them is on the raw connection's own shard
      await redis.set(k, 'old');
      // The connection's own SET after its WATCH changes the key: EXEC aborts, as in Redis.
      const watched = await rawReplies(server.port, [['WATCH', k], ['SET', k, 'mine'], ['MULTI'], ['GET', k], ['EXEC']]);
      expect(watched, k).to.deep.equal(['+OK\r\n', '+OK\r\n', '+OK\r\n', '+QUEUED\r\n', '*-1\r\n']);
      const ordered = await rawReplies(server.port, [['MULTI'], ['SET', k, 'new'], ['EXEC'], ['GET', k], ['MGET', k, k], ['SET', k, 'newer']]);
      expect(ordered.slice(2, 5), k).to.deep.equal(['*1\r\n+OK\r\n', '$3\r\nnew\r\n', '*2\r\n$3\r\nnew\r\n$3\r\nnew\r\n']);
      // An empty transaction answers the empty array; HELLO cannot be queued (the shards encode a
      // transaction's replies in the protocol of its EXEC).
      const empty = await rawReplies(server.port, [['MULTI'], ['EXEC'], ['PING']]);
      expect(empty).to.deep.equal(['+OK\r\n', '*0\r\n', '+PONG\r\n']);
      const hello = await rawReplies(server.port, [['MULTI'], ['HELLO', '3'], ['GET', k], ['EXEC']]);
      expect(hello[1], k).to.match(/^-ERR HELLO cannot be queued/);
      expect(hello[3], k).to.match(/^-EXECABORT/);
      // Replies made before a HELLO 3 in the same pipeline keep the protocol they were asked in.
      const missing = `${k}:missing`;
      const switched = await rawReplies(server.port, [['GET', missing], ['GET', k], ['HELLO', '3'], ['GET', missing]]);
      expect([switched[0], switched[1], switched[3]], k).to.deep.equal(['$-1\r\n', '$5\r\nnewer\r\n', '_\r\n']);
    }
  });

  it('keeps WATCH exact around failed commands: a refused MSETNX in MULTI, RESET with arguments; CLIENT commands in MULTI act on the connection', async () => {
    const [a, b] = pairAcrossShards('wx');
    const other = await connect();
    await redis.watch(a);
    await other.set(a, 'changed');
    expect(await redis.call('MULTI')).to.equal('OK');
    const refused = await redis.call('MSETNX', a, '1', b, '1').then(() => null, (e: Error) => e);
    expect(refused?.message).to.match(/^CROSSSLOT/);
    expect((await redis.call('EXEC').then(() => null, (e: Error) => e))?.message).to.match(/^EXECABORT/);
    // The aborted EXEC forgot the WATCH: a new one on an untouched key lets EXEC run.
    await redis.watch(`${a}:2`);
    expect(await redis.multi().set(`${a}:2`, '1').exec()).to.deep.equal([[null, 'OK']]);
    // RESET with an argument is an error and forgets nothing.
    await redis.watch(a);
    expect((await redis.call('RESET', 'x').then(() => null, (e: Error) => e))?.message).to.match(/wrong number of arguments/);
    await other.set(a, 'again');
    expect(await redis.multi().get(a).exec()).to.equal(null);
    // CLIENT SETNAME and CLIENT ID inside MULTI are the connection's own, as on one thread.
    const id = await redis.client('ID');
    expect(await redis.multi().client('SETNAME', 'inside').client('ID').set(b, 'v').exec()).to.deep.equal([[null, 'OK'], [null, id], [null, 'OK']]);
    expect(await redis.client('GETNAME')).to.equal('inside');
  });

  it('WATCH/MULTI/EXEC optimistic locking over two shards: racing clients on both workers lose no update', async () => {
    const [a, b] = pairAcrossShards('cas');
    await redis.mset(a, '0', b, '0');
    const clients = await spreadOverWorkers(4);
    let retries = 0;
    await Promise.all(clients.map(async (client) => {
      for (let done = 0; done < 15;) {
        await client.watch(a, b);
        const [x, y] = (await client.mget(a, b)) as [string, string];
        const result = await client.multi().set(a, String(Number(x) + 1)).set(b, String(Number(y) + 2)).exec();
        if (result === null) retries++;
        else done++;
      }
    }));
    expect(await redis.mget(a, b)).to.deep.equal(['60', '120']);
    expect(retries, 'some transactions were aborted by a racing one').to.be.greaterThan(0);
  });
});

describe('the kv-server app with --runtime worksteal --shards (redis-cli)', function () {
  this.timeout(60_000);

  it('serves keys of both shards, answers keyless commands from all, and exits by itself on SIGTERM', async () => {
    const app = await startServer('worksteal', ['--shards', '--workers', '2']);
    try {
      expect(app.output()).to.match(/shard-per-core: 2 shards/);
      const keys = keysOnEveryShard('cli', 6, 2);
      expect(await redisCli(app.port, ['mset', ...keys.flatMap((key) => [key, `${key}!`])])).to.equal('OK\n');
      expect(await redisCli(app.port, ['mget', ...keys])).to.equal(keys.map((key) => `${key}!\n`).join(''));
      expect(await redisCli(app.port, ['dbsize'])).to.equal('6\n');
      // A pipeline on one connection, fed as inline commands: replies in order.
      const script = keys.map((key, i) => `incrby ${key}:n ${i + 1}\nget ${key}\n`).join('');
      expect(await redisCli(app.port, [], script)).to.equal(keys.map((key, i) => `${i + 1}\n${key}!\n`).join(''));
    } finally {
      expect(await app.stop()).to.equal(0);
    }
  });

  it('refuses --shards on another runtime', async () => {
    const error = await startServer('node', ['--shards']).then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/--shards needs --runtime worksteal/);
  });
});
