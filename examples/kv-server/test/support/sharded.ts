// The shard-per-core kv-server the shard tests run against (a thread-per-core WorkStealingRuntime, 2 workers, ioredis clients), and their key helpers.
import { expect } from 'chai';
import { Redis } from 'ioredis';
import { WorkStealingRuntime } from '@runtime-traits/worksteal';
import { ownerOf, startSharded, stopSharded } from '../../src/shard/index.js';
import type { ShardedServer } from '../../src/shard/index.js';
import { encodeTyped, exchangeTyped } from './typed-reply.js';

/** `count` keys with `prefix`, covering every one of `workers` shards. */
export function keysOnEveryShard(prefix: string, count: number, workers: number): string[] {
  const keys = Array.from({ length: count }, (_, i) => `${prefix}:${i}`);
  const owners = new Set(keys.map((key) => ownerOf(key, workers)));
  expect(owners.size, 'the keys cover every shard').to.equal(workers);
  return keys;
}

/** Two keys with `prefix` owned by different shards of two. */
export function pairAcrossShards(prefix: string): [string, string] {
  const a = `${prefix}:a`;
  for (let i = 0; ; i++) if (ownerOf(`${prefix}:b${i}`, 2) !== ownerOf(a, 2)) return [a, `${prefix}:b${i}`];
}

/** A key owned by shard 1 and one by shard 0 (in that order), with `prefix`. */
export function onShards10(prefix: string): [string, string] {
  const [a, b] = pairAcrossShards(prefix);
  return ownerOf(a, 2) === 1 ? [a, b] : [b, a];
}

/** Sends `commands` pipelined on a fresh raw socket; answers each reply as its RESP text. */
export async function rawReplies(port: number, commands: string[][]): Promise<string[]> {
  return (await exchangeTyped(port, commands)).map(encodeTyped);
}

/** The server of a describe block: set once its `before` hook ran; its store is flushed before each test. */
export interface ShardedFixture {
  rt: WorkStealingRuntime;
  server: ShardedServer;
  /** A client opened first. */
  redis: Redis;
  /** A new client (closed after the block). */
  connect(): Promise<Redis>;
  /**
   * `count` connections, alternating between the two workers when both listen (connections are
   * opened until each worker serves half; `CLIENT LIST` names the connections of the asking one's worker).
   */
  spreadOverWorkers(count: number): Promise<Redis[]>;
  /** Two pairs of connections: the first served by one worker, the second by the other (where both listen). */
  twoPairs(): Promise<Array<[Redis, Redis]>>;
}

/** Registers the hooks that start the server before the block, flush it before each test and stop it after. */
export function shardedServer(): ShardedFixture {
  const clients: Redis[] = [];
  const fixture = {
    connect: async (): Promise<Redis> => {
      const client = new Redis({ port: fixture.server.port, host: '127.0.0.1', lazyConnect: true });
      await client.connect();
      clients.push(client);
      return client;
    },
    spreadOverWorkers: async (count: number): Promise<Redis[]> => {
      if (fixture.server.listening < 2) return Promise.all(Array.from({ length: count }, () => fixture.connect()));
      const first = await fixture.connect();
      const onFirst = (list: string): Set<string> => new Set([...list.matchAll(/ addr=(\S+)/g)].map((m) => m[1]!));
      const groups: Redis[][] = [[first], []];
      for (let tries = 0; groups[0]!.length + groups[1]!.length < count && tries < 200; tries++) {
        const next = await fixture.connect();
        const side = onFirst(await first.client('LIST') as string).has(`127.0.0.1:${next.stream.localPort}`) ? 0 : 1;
        if (groups[side]!.length < count / 2) groups[side]!.push(next);
      }
      expect(groups[1], 'connections on the second worker').to.have.length.greaterThan(0);
      return groups[0]!.flatMap((client, i) => (groups[1]![i] ? [client, groups[1]![i]!] : [client]));
    },
    twoPairs: async (): Promise<Array<[Redis, Redis]>> => {
      const conns = await fixture.spreadOverWorkers(4);
      return [[conns[0]!, conns[2] ?? conns[0]!], [conns[1] ?? conns[0]!, conns[3] ?? conns[1] ?? conns[0]!]];
    },
  } as ShardedFixture;

  before(async () => {
    fixture.rt = await WorkStealingRuntime.create({ stealing: false, workers: 2, mainSlots: 1024, workerSlots: 1024 });
    fixture.server = await startSharded(fixture.rt);
    fixture.redis = await fixture.connect();
  });

  beforeEach(async () => {
    await fixture.redis.flushall();
  });

  after(async () => {
    for (const client of clients) client.disconnect();
    if (fixture.rt) {
      await stopSharded(fixture.rt);
      await fixture.rt.shutdown();
    }
  });
  return fixture;
}
