// The shard outbox's edge: a command too big for a channel goes as values (strings), and one whose argument is longer than the engine's longest string fails with an error reply instead of ending the worker.
import { expect } from 'chai';
import { Outbox, replyText, type ShardRunner } from '../src/shard/outbox.js';
import type { ShardHost } from '../src/shard/shard.js';

describe('kv-server shard outbox', function () {
  this.timeout(30_000);
  const latin1 = (s: string): Uint8Array => Buffer.from(s, 'latin1');

  it('answers an error reply for an argument longer than the longest string (a SET of 512 MiB - 23 bytes), and sends the rest', async () => {
    const sent: string[][][] = [];
    const runner: ShardRunner = {
      run: (_shard, ops) => { sent.push(ops as string[][]); return Promise.resolve(ops.map(() => '+OK\r\n')); },
      runShared: () => Promise.reject(new Error('not used: each command here is too big for a channel')),
    };
    const host = { channels: [[], []], outboxes: new Map() } as unknown as ShardHost;
    const outbox = new Outbox(host, 1, 2, runner);
    const huge = Buffer.allocUnsafe(2 ** 29 - 23); // one more than V8's longest string
    const big = Buffer.alloc(100_000, 'v'); // too big for a channel, fine as a string
    const [failed, fine] = await Promise.all([
      outbox.send([[latin1('SET'), latin1('k'), huge]]),
      outbox.send([[latin1('SET'), latin1('j'), big]]),
    ]);
    expect(replyText(failed, 0)).to.match(/^-ERR shard 1 failed: .*string/);
    expect(replyText(fine, 0)).to.equal('+OK\r\n');
    expect(sent.map((ops) => ops.map((op) => [op[0], op[1], op[2]!.length]))).to.deep.equal([[['SET', 'j', 100_000]]]);
  });
});
