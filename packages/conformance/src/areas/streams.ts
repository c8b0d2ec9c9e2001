// Area: toWebStreams over this runtime's Connection — a library that speaks Web Streams must work unchanged.
import { expect } from 'chai';
import { toWebStreams } from '@runtime-traits/core';
import type { Harness } from '../harness.js';
import { concat, connectedPair, nonEmpty, echoServer, expectSameBytes, pattern, readAll, text } from '../util.js';

const gate = { needs: ['net.tcp' as const] };

async function drain(readable: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const reader = readable.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(chunks);
    chunks.push(nonEmpty(value, 'the readable'));
  }
}

export function streamsArea(h: Harness): void {
  h.describe('web streams (toWebStreams)', () => {
    h.it('the readable yields the peer\'s bytes and closes at end of stream', async (t) => {
      const { client, server } = await connectedPair(t);
      await server.write('streamed');
      await server.closeWrite();
      expect(text(await drain(toWebStreams(client).readable))).to.equal('streamed');
    }, gate);
    h.it('closing the writable half-closes: the peer reads null', async (t) => {
      const { client, server } = await connectedPair(t);
      const writer = toWebStreams(client).writable.getWriter();
      await writer.write('via writable');
      await writer.close();
      expect(text(await readAll(server))).to.equal('via writable');
    }, gate);
    h.it('pipes 1 MiB through an echo server intact', async (t) => {
      const listener = await echoServer(t);
      const client = await t.net.connect(listener.address);
      t.defer(() => client.close());
      const { readable, writable } = toWebStreams(client);
      const data = pattern(1024 * 1024, 21);
      const source = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < data.length; i += 50_000) controller.enqueue(data.slice(i, i + 50_000));
          controller.close();
        },
      });
      const [, back] = await Promise.all([source.pipeTo(writable), drain(readable)]);
      expectSameBytes(back, data, '1 MiB through web streams');
    }, gate);
    h.it('aborting the writable closes the connection', async (t) => {
      const { client, server } = await connectedPair(t);
      await toWebStreams(client).writable.abort(new Error('give up'));
      expect(await server.read()).to.equal(null);
    }, gate);
    h.it('lets a TextDecoderStream read text through the readable', async (t) => {
      const { client, server } = await connectedPair(t);
      await server.write('héllo ✓');
      await server.closeWrite();
      const reader = toWebStreams(client).readable.pipeThrough(new TextDecoderStream() as unknown as ReadableWritablePair<string, Uint8Array>).getReader();
      let out = '';
      for (let i = 0; ; i++) { const { done, value } = await reader.read(); if (done) break; if (i > 100_000) expect.fail('expected the text stream to end, got more than 100,000 chunks'); out += value; }
      expect(out).to.equal('héllo ✓');
    }, gate);
    h.it('cancelling the readable closes the connection', async (t) => {
      const { client, server } = await connectedPair(t);
      await toWebStreams(client).readable.cancel();
      expect(await server.read()).to.equal(null);
    }, gate);
  });
}
