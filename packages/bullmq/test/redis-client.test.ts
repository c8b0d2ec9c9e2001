// The small Redis client: ioredis-shaped commands, scripts, pipelines, transactions, pub/sub and closing.
import { expect } from 'chai';
import { RedisClient } from '../src/internal/redis/client.js';
import { ReplyError } from '../src/internal/redis/resp.js';
import { startRedis, type TestRedis } from './helpers/redis.js';
import { waitFor } from './helpers/wait.js';

type Client = RedisClient & Record<string, (...args: unknown[]) => Promise<unknown>>;

describe('RedisClient', function () {
  this.timeout(20_000);
  let redis: TestRedis;
  let client: Client;
  before(async () => { redis = await startRedis(); });
  after(async () => { await redis?.stop(); });
  beforeEach(() => { client = new RedisClient({ url: redis.url }) as Client; });
  afterEach(async () => { await client.quit(); });

  it('should send commands as methods, before and after it is ready, answering each in order', async () => {
    const replies = await Promise.all([client.set('k', 'v'), client.get('k'), client.incr('n'), client.incr('n'), client.get('missing')]);
    expect(replies).to.deep.equal(['OK', 'v', 1, 2, null]);
    expect(client.status).to.equal('ready');
  });

  it('should return hgetall as an object and binary-safe UTF-8 strings', async () => {
    await client.hset('h', 'a', '1', 'é', 'ü✓');
    expect(await client.hgetall('h')).to.deep.equal({ a: '1', é: 'ü✓' });
  });

  it('should reject with ReplyError on an error reply', async () => {
    await client.set('s', 'x');
    const error = await client.incr('s').then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(ReplyError);
    expect(await client.hgetall('s').then(() => undefined, (e: unknown) => e)).to.be.instanceOf(ReplyError);
  });

  it('should run defined scripts, sending the source once and the SHA afterwards', async () => {
    client.defineCommand('addTwo', { numberOfKeys: 1, lua: "return redis.call('INCRBY', KEYS[1], ARGV[1]) + 0" });
    expect(await client.addTwo(['c', 2])).to.equal(2);
    expect(await client.addTwo(['c', 2])).to.equal(4);
    await client.call('script', 'flush');
    expect(await client.addTwo(['c', 2])).to.equal(6); // NOSCRIPT → falls back to the source
  });

  it('should give pipelines and transactions [error, result] pairs', async () => {
    const piped = await (client.pipeline() as unknown as Record<string, (...a: unknown[]) => unknown> & { exec(): Promise<unknown> });
    (piped.set as (...a: unknown[]) => unknown)('p', '1');
    (piped.incr as (...a: unknown[]) => unknown)('p');
    (piped.hgetall as (...a: unknown[]) => unknown)('none');
    const results = await piped.exec() as Array<[Error | null, unknown]>;
    expect(results).to.deep.equal([[null, 'OK'], [null, 2], [null, {}]]);
    const multi = client.multi() as unknown as Record<string, (...a: unknown[]) => unknown> & { exec(): Promise<unknown> };
    multi.set!('m', 'x');
    multi.incr!('m');
    const [ok, failed] = await multi.exec() as Array<[Error | null, unknown]>;
    expect(ok).to.deep.equal([null, 'OK']);
    expect(failed![0]).to.be.instanceOf(ReplyError);
  });

  it('should deliver pub/sub messages as message events', async () => {
    const subscriber = new RedisClient({ url: redis.url }) as Client;
    try {
      const got = new Promise<[string, string]>((resolve) => subscriber.once('message', (channel: string, message: string) => resolve([channel, message])));
      await subscriber.call('subscribe', 'chan');
      await client.publish('chan', 'hello');
      expect(await got).to.deep.equal(['chan', 'hello']);
    } finally {
      await subscriber.quit();
    }
  });

  it('should reject what is pending with "Connection is closed." on disconnect, and end', async () => {
    await client.connect();
    const blocked = client.blpop('never', 0).then(() => undefined, (e: unknown) => e as Error);
    client.disconnect();
    expect((await blocked)!.message).to.equal('Connection is closed.');
    expect(client.status).to.equal('end');
    expect((await client.get('k').then(() => undefined, (e: unknown) => e as Error))!.message).to.equal('Connection is closed.');
  });

  it('should reconnect after the server restarts and subscribe to its channels again', async () => {
    const subscriber = new RedisClient({ url: redis.url, retryStrategy: () => 50 }) as Client;
    const publisher = new RedisClient({ url: redis.url, retryStrategy: () => 50 }) as Client;
    try {
      await subscriber.call('subscribe', 'again');
      await publisher.ping();
      await redis.restart();
      await waitFor(async () => (await publisher.ping().catch(() => null)) === 'PONG', 'the publisher to reconnect');
      const got = new Promise<string>((resolve) => subscriber.once('message', (_channel: string, message: string) => resolve(message)));
      await waitFor(async () => (await publisher.publish('again', 'hello')) === 1, 'the subscriber to subscribe again');
      expect(await got).to.equal('hello');
    } finally {
      await subscriber.quit();
      await publisher.quit();
    }
  });

  it('should fail fast, not retry, when the first connection is refused', async () => {
    const dead = new RedisClient({ port: 1, lazyConnect: true });
    const error = await dead.connect().then(() => undefined, (e: unknown) => e as NodeJS.ErrnoException);
    expect(error!.code).to.equal('ECONNREFUSED');
    if (dead.status !== 'end') await new Promise((resolve) => dead.once('end', resolve));
    expect(dead.status).to.equal('end');
  });
});
