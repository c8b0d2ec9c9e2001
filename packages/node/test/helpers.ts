// Test helpers: a connected pair over a fresh listener, reading a connection to its end, outcomes of promises.
import type { Connection, Listener, Net, SocketAddress } from '@runtime-traits/core';

export async function connectedPair(net: Net, at: { port: number } | { path: string } = { port: 0 }, opts: { listen?: object; connect?: object } = {}):
  Promise<{ listener: Listener; client: Connection; server: Connection }> {
  const listener = await net.listen(at, opts.listen);
  const [client, server] = await Promise.all([net.connect(listener.address as SocketAddress, opts.connect), listener.accept()]);
  return { listener, client, server: server! };
}

/** Every byte until end of stream, concatenated. */
export async function readAll(conn: Connection): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for (;;) {
    const chunk = await conn.read();
    if (chunk === null) return Buffer.concat(parts);
    parts.push(chunk);
  }
}

/** The value, or the error, a promise settles with (so a test can look at either). */
export function outcome<T>(promise: PromiseLike<T>): Promise<T | unknown> {
  return Promise.resolve(promise).then((value) => value, (error: unknown) => error);
}

/** Whether `promise` is still pending after `ms` (used only to detect a stall, never to assert speed). */
export async function stillPendingAfter(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void promise.then(() => { settled = true; }, () => { settled = true; });
  await new Promise((resolve) => setTimeout(resolve, ms));
  return !settled;
}
