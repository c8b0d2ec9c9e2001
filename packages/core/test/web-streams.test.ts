// toWebStreams: a Connection as Web Streams, with end of stream, backpressure, half-close and close carried through.
import { expect } from 'chai';
import type { Connection } from '../src/index.js';
import { toWebStreams } from '../src/index.js';

/** One end of an in-memory byte pipe: enough of a Connection for the stream adapter. */
function pipeEnd(incoming: Uint8Array[], outgoing: Uint8Array[], log: string[]): Connection {
  return {
    localAddress: { host: '127.0.0.1', port: 1 },
    remoteAddress: { host: '127.0.0.1', port: 2 },
    async read() { return incoming.shift() ?? null; },
    async write(data) { outgoing.push(typeof data === 'string' ? new TextEncoder().encode(data) : data); },
    async closeWrite() { log.push('closeWrite'); },
    async close() { log.push('close'); },
    closed: Promise.resolve(),
    async [Symbol.asyncDispose]() { log.push('dispose'); },
    async *[Symbol.asyncIterator]() { /* unused */ },
  };
}

describe('toWebStreams', () => {
  it('should read every chunk then end at end of stream', async () => {
    const log: string[] = [];
    const { readable } = toWebStreams(pipeEnd([new Uint8Array([1, 2]), new Uint8Array([3])], [], log));
    const chunks: number[] = [];
    for await (const chunk of readable) chunks.push(...chunk);
    expect(chunks).to.deep.equal([1, 2, 3]);
  });

  it('should error the readable, not spin, when the connection returns an empty chunk', async () => {
    const { readable } = toWebStreams(pipeEnd([new Uint8Array([1]), new Uint8Array(0), new Uint8Array([2])], [], []));
    const reader = readable.getReader();
    expect((await reader.read()).value).to.deep.equal(new Uint8Array([1]));
    const error = await reader.read().then(() => null, (e: unknown) => e);
    expect(error).to.be.instanceOf(TypeError).with.property('message').match(/empty chunk/);
  });

  it('should write through and half-close on close()', async () => {
    const log: string[] = [];
    const sent: Uint8Array[] = [];
    const { writable } = toWebStreams(pipeEnd([], sent, log));
    const writer = writable.getWriter();
    await writer.write('hi');
    await writer.write(new Uint8Array([9]));
    await writer.close();
    expect(sent.map((c) => [...c])).to.deep.equal([[104, 105], [9]]);
    expect(log).to.deep.equal(['closeWrite']);
  });

  it('should close the connection when the readable is cancelled', async () => {
    const log: string[] = [];
    const { readable } = toWebStreams(pipeEnd([new Uint8Array([1])], [], log));
    await readable.cancel();
    expect(log).to.deep.equal(['close']);
  });

  it('should refuse something that is not a Connection', () => {
    expect(() => toWebStreams({} as Connection)).to.throw(TypeError, /conn/);
  });
});
