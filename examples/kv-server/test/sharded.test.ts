// Shard-per-core kv-server (a thread-per-core WorkStealingRuntime, a shard of the keys per worker) with ioredis over real sockets:
// forwarded pipelines keep their order, keys live on their owners alone, MGET/MSET/DEL/EXISTS across
// shards, MULTI/EXEC atomic on one shard and refused across shards, keyless commands over every shard.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { ownerOf, shardKeys, startSharded, stopSharded } from '../src/shard/index.js';
import type { ShardedServer } from '../src/shard/index.js';
import { redisCli, startServer } from './server-process.js';

/** `count` keys with `prefix`, covering every one of `workers` shards. */
function keysOnEveryShard(prefix: string, count: number, workers: number): string[] {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
  const owners = new Set(keys.map((key) => ownerOf(key, workers)));
  expect(owners.size, 'the keys cover every shard').to.equal(workers);
  return keys;
}

describe('kv-server shard-per-core (worksteal, stealing: false)', function () {
  this.timeout(60_000);
  let rt: WorkStealingRuntime;
  let server: ShardedServer;
  let redis: Redis;
  const clients: Redis[] = [];

  const connect = async (): Promise<Redis> => {
    const client = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true });
    await client.connect();
    clients.push(client);
    return client;
  };

  before(async () => {
    rt = await WorkStealingRuntime.create({ stealing: false, workers: 2, mainSlots: 1024, workerSlots: 1024 });
    server = await startSharded(rt);
    redis = await connect();
  });

  beforeEach(async () => {
    await redis.flushall();
  });

  after(async () => {
    for (const client of clients) client.disconnect();
    if (rt) {
      await stopSharded(rt);
      await rt.shutdown();
    }
  });

  it('starts one shard per worker; with net.reusePort every worker listens, without it worker 0 alone', () => {
    expect(server.shards).to.equal(2);
    expect(server.listening).to.equal(rt.capabilities.has('net.reusePort') ? 2 : 1);
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

  it('refuses MSETNX across shards and runs it on one', async () => {
    const [a, b] = keysOnEveryShard('nx', 2, 2);
    const error = await redis.msetnx(a!, '1', b!, '2').then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/^CROSSSLOT MSETNX/);
    expect(await redis.exists(a!, b!)).to.equal(0);
    expect(await redis.msetnx('{t}x', '1', '{t}y', '2')).to.equal(1);
    expect(await redis.mget('{t}x', '{t}y')).to.deep.equal(['1', '2']);
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

  it('refuses MULTI/EXEC across shards with CROSSSLOT and runs none of it', async () => {
    const [a, b] = keysOnEveryShard('tx', 2, 2);
    const error = await redis.multi().set(a!, '1').set(b!, '2').exec().then(() => null, (e: Error) => e);
    expect(error?.message).to.match(/CROSSSLOT MULTI\/EXEC touches keys on the shards of workers 0, 1/);
    expect(await redis.exists(a!, b!)).to.equal(0);
    const keyless = await redis.multi().set(a!, '1').dbsize().exec().then(() => null, (e: Error) => e);
    expect(keyless?.message).to.match(/CROSSSLOT MULTI\/EXEC touches keys on every shard/);
    expect(await redis.ping()).to.equal('PONG'); // the connection is out of MULTI
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
    expect(await redis.info('keyspace')).to.equal('# Keyspace\r\ndb0:keys=301,expires=1,avg_ttl=0\r\n');
    expect(await redis.flushdb()).to.equal('OK');
    expect(await redis.dbsize()).to.equal(0);
    expect(await rt.broadcast(shardKeys, [])).to.deep.equal([[], []]);
    expect(await redis.info('keyspace')).to.equal('# Keyspace\r\n');
  });

  it('refuses WATCH with a clear error', async () => {
    const error = await redis.watch('w').then(() => null, (e: Error) => e);
    expect(error?.message).to.equal('ERR WATCH is not supported in shard-per-core mode');
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
