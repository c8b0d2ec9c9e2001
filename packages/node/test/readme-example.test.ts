// The README's example, run as written (apart from printing).
import { expect } from 'chai';
import { NodeRuntime } from '../src/index.js';
import { hash } from './fixtures/readme-tasks.js';

describe('the README example', () => {
  it('should echo over TCP and hash off the main thread, then shut down', async () => {
    const printed: unknown[] = [];
    const rt = await NodeRuntime.create({ onUnhandledError: (error) => printed.push(error) });
    const { net, clock } = rt.reactor;
    const listener = await net.listen({ port: 0 });
    rt.executor.spawnLocal(async () => {
      for await (const conn of listener) {
        rt.executor.spawnLocal(async () => {
          for await (const chunk of conn) await conn.write(chunk);
          await conn.closeWrite();
        }).detach();
      }
    }).detach();
    const conn = await net.connect(listener.address);
    await conn.write('ping');
    printed.push(String(await conn.read()));
    printed.push(await clock.timeout(10_000, rt.executor.spawnBlocking(hash, [new Uint8Array(8)])));
    await rt.shutdown();
    expect(printed).to.deep.equal(['ping', 8]);
  });
});
