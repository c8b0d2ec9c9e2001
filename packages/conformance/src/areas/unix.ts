// Area: Unix domain sockets on the runtime's own net — listen and connect by path, echo, half-close, errors.
import { expect } from 'chai';
import { NetError } from '@runtime-traits/core';
import type { Harness } from '../harness.js';
import { optionalBuiltin } from '../host.js';
import { echoServer, expectReject, expectSameBytes, listen, pattern, readAll, text, uniqueSocketPath } from '../util.js';

const gate = { needs: ['net.unix' as const] };
/** A fresh path under the OS's temporary directory ('/tmp' where there is no node:os, as on a simulated network in a page). */
const socketPath = async (): Promise<string> => {
  const os = await optionalBuiltin<{ tmpdir(): string }>('os');
  return uniqueSocketPath(os?.tmpdir() ?? '/tmp');
};

export function unixArea(h: Harness): void {
  h.describe('unix sockets', () => {
    h.it('listens on a path and reports it as its address', async (t) => {
      const path = await socketPath();
      const listener = await listen(t, { path });
      expect(listener.address).to.deep.equal({ path });
    }, gate);
    h.it('echoes through a Unix socket', async (t) => {
      const path = await socketPath();
      await echoServer(t, { path });
      const client = await t.net.connect({ path });
      t.defer(() => client.close());
      await client.write('over unix');
      await client.closeWrite();
      expect(text(await readAll(client))).to.equal('over unix');
    }, gate);
    h.it('reports the path as the client\'s remote address', async (t) => {
      const path = await socketPath();
      await echoServer(t, { path });
      const client = await t.net.connect({ path });
      t.defer(() => client.close());
      expect(client.remoteAddress).to.deep.equal({ path });
    }, gate);
    h.it('half-closes: the server reads null, then still answers', async (t) => {
      const path = await socketPath();
      const listener = await listen(t, { path });
      const [client, server] = await Promise.all([t.net.connect({ path }), listener.accept()]);
      t.defer(() => client.close());
      t.defer(() => server!.close());
      await client.write('q');
      await client.closeWrite();
      expect(text(await readAll(server!))).to.equal('q');
      await server!.write('a');
      await server!.close();
      expect(text(await readAll(client))).to.equal('a');
    }, gate);
    h.it('a pending accept() resolves null when the listener closes', async (t) => {
      const listener = await t.net.listen({ path: await socketPath() });
      const pending = listener.accept();
      await t.clock.sleep(5);
      await listener.close();
      expect(await pending).to.equal(null);
    }, gate);
    h.it('rejects connecting to a path nobody listens on with a NetError', async (t) => {
      const error = await expectReject(t.net.connect({ path: await socketPath() }), NetError) as NetError;
      expect(['ENOENT', 'ECONNREFUSED']).to.include(error.code);
    }, gate);
    h.it('rejects listening on a path already listened on with NetError EADDRINUSE', async (t) => {
      const path = await socketPath();
      await listen(t, { path });
      await expectReject(t.net.listen({ path }), NetError, { code: 'EADDRINUSE' });
    }, gate);
    h.it('rejects write() after closeWrite() with NetError EPIPE', async (t) => {
      const path = await socketPath();
      await echoServer(t, { path });
      const client = await t.net.connect({ path });
      t.defer(() => client.close());
      await client.closeWrite();
      await expectReject(client.write('late'), NetError, { code: 'EPIPE' });
    }, gate);
    h.it('read() after a local close() resolves null', async (t) => {
      const path = await socketPath();
      await echoServer(t, { path });
      const client = await t.net.connect({ path });
      await client.close();
      expect(await client.read()).to.equal(null);
    }, gate);
    h.it('keeps 1 MiB intact through a Unix socket echo', async (t) => {
      const path = await socketPath();
      await echoServer(t, { path });
      const client = await t.net.connect({ path });
      t.defer(() => client.close());
      const data = pattern(1024 * 1024, 31);
      const writer = (async () => { for (let i = 0; i < data.length; i += 65536) await client.write(data.subarray(i, i + 65536)); await client.closeWrite(); })();
      const back = await readAll(client);
      await writer;
      expectSameBytes(back, data, '1 MiB over a Unix socket');
    }, gate);
    h.it('serves ten concurrent clients on one path', async (t) => {
      const path = await socketPath();
      await echoServer(t, { path });
      const replies = await Promise.all(Array.from({ length: 10 }, async (_, i) => {
        const c = await t.net.connect({ path });
        t.defer(() => c.close());
        await c.write(`u${i}`);
        await c.closeWrite();
        return text(await readAll(c));
      }));
      expect(replies).to.deep.equal(Array.from({ length: 10 }, (_, i) => `u${i}`));
    }, gate);
  });
}
