// Small helpers the areas share: error expectations, byte patterns, connected pairs and an echo server on the runtime's own net.
import { expect } from 'chai';
import { RuntimeError, type Connection, type Listener, type SocketAddress, type UdpSocket } from '@runtime-traits/core';
import type { Case } from './harness.js';

type ErrorClass = (abstract new (...args: never[]) => Error) & { is?: (value: unknown) => boolean };

export interface ErrorExpectation {
  code?: string;
  name?: string;
  message?: RegExp;
}

/** Asserts `error` is of `cls` (by brand for the RuntimeError family, else instanceof) and matches the expectation. */
export function expectError(error: unknown, cls: ErrorClass, want: ErrorExpectation = {}): void {
  const isRuntimeErrorClass = cls === (RuntimeError as unknown) || Object.prototype.isPrototypeOf.call(RuntimeError, cls);
  const ok = isRuntimeErrorClass ? (cls.is as (v: unknown) => boolean)(error) : error instanceof cls;
  holds(ok, `${cls.name}`, () => describeError(error));
  const e = error as Error & { code?: unknown };
  if (want.code !== undefined) expect(e.code, `code of ${describeError(error)}`).to.equal(want.code);
  if (want.name !== undefined) expect(e.name, `name of ${describeError(error)}`).to.equal(want.name);
  if (want.message !== undefined) expect(e.message).to.match(want.message);
}

/**
 * Fails unless `condition` holds, with a message in words: what was expected, and what was seen
 * instead (`actual` is only computed on failure). Every yes/no check of the suite goes through
 * here, so no failure reads "expected false to equal true".
 */
export function holds(condition: boolean, expected: string, actual: () => string): void {
  if (!condition) expect.fail(`expected ${expected}, got ${actual()}`);
}

/** A runtime in words: its class and name ("a NodeRuntime named 'node'"). */
export function describeRuntime(value: unknown): string {
  if (typeof value !== 'object' || value === null) return String(value);
  const name = (value as { name?: unknown }).name;
  return `a ${value.constructor?.name ?? 'object'}${typeof name === 'string' ? ` named '${name}'` : ''}`;
}

/**
 * `seen` must be the very runtime create() returned. A runtime that wraps another passes only if it
 * hands bodies a context whose `runtime` is the wrapper (README: "A runtime that wraps another").
 */
export function expectSameRuntime(seen: unknown, rt: unknown, where: string): void {
  holds(seen === rt, `${where} to be the runtime create() returned (${describeRuntime(rt)})`,
    () => `${seen === undefined ? 'undefined' : `another object, ${describeRuntime(seen)}`}; a wrapping runtime must pass bodies a context whose runtime is itself`);
}

export function describeError(error: unknown): string {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const e = error as Error & { code?: unknown };
    return `${e.constructor?.name ?? 'object'}(name=${e.name}, code=${String(e.code)}, message=${JSON.stringify(e.message)})`;
  }
  return String(error);
}

/** Awaits `promise` expecting it to reject as described; returns the error. */
export async function expectReject(promise: PromiseLike<unknown>, cls: ErrorClass, want: ErrorExpectation = {}): Promise<unknown> {
  let outcome: { value: unknown } | undefined;
  try {
    outcome = { value: await promise };
  } catch (error) {
    expectError(error, cls, want);
    return error;
  }
  expect.fail(`expected a rejection with ${cls.name}, but it resolved with ${show(outcome.value)}`);
}

/** Calls `fn` expecting a SYNCHRONOUS throw (a rejected promise does not count). */
export function expectThrowSync(fn: () => unknown, cls: ErrorClass, want: ErrorExpectation = {}): unknown {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    expectError(error, cls, want);
    return error;
  }
  if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as Promise<unknown>).then(undefined, () => undefined);
    expect.fail(`expected ${cls.name} thrown synchronously, but the call returned a promise (a rejection is not a synchronous throw)`);
  }
  expect.fail(`expected ${cls.name} thrown synchronously, but the call returned ${show(result)}`);
}

/** Expects the call to throw `cls` synchronously OR return a promise that rejects with it (unsupported async methods). */
export async function expectThrowOrReject(fn: () => unknown, cls: ErrorClass, want: ErrorExpectation = {}): Promise<unknown> {
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    expectError(error, cls, want);
    return error;
  }
  return expectReject(result as PromiseLike<unknown>, cls, want);
}

function show(value: unknown): string {
  try { return typeof value === 'object' ? JSON.stringify(value)?.slice(0, 80) ?? String(value) : String(value); } catch { return String(value); }
}

// ── bytes ─────────────────────────────────────────────────────────────────────
const encoder = new TextEncoder();
const decoder = new TextDecoder();
export const utf8 = (text: string): Uint8Array => encoder.encode(text);
export const text = (bytes: Uint8Array): string => decoder.decode(bytes);

/** `n` deterministic pseudo-random bytes (xorshift), different for each seed. */
export function pattern(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out[i] = x & 255;
  }
  return out;
}

export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

/** Byte-for-byte equality with a readable failure (first differing offset). */
export function expectSameBytes(actual: Uint8Array, expected: Uint8Array, what = 'bytes'): void {
  expect(actual.length, `${what}: length`).to.equal(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) expect.fail(`${what}: first difference at offset ${i} (${actual[i]} != ${expected[i]})`);
  }
}

// ── connections ───────────────────────────────────────────────────────────────
/**
 * Fails the case on an empty chunk. Every loop of the suite that reads until end of stream checks its
 * chunks with this: an adapter that returns empty chunks instead of null would otherwise keep the loop
 * turning on promise jobs alone, and no timer — not even the case's timeout — would ever run again.
 */
export function nonEmpty(chunk: Uint8Array, what = 'read()'): Uint8Array {
  if (chunk.length === 0) expect.fail(`${what} returned an empty chunk: expected a chunk of at least one byte, or null at end of stream`);
  return chunk;
}

/** One read(), failing on an empty chunk (see nonEmpty). */
export async function readChunk(conn: Connection, what = 'read()'): Promise<Uint8Array | null> {
  const chunk = await conn.read();
  return chunk === null ? null : nonEmpty(chunk, what);
}

/** Reads until end of stream. */
export async function readAll(conn: Connection): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const chunk = await readChunk(conn);
    if (chunk === null) return concat(chunks);
    chunks.push(chunk);
  }
}

/** Reads exactly `n` bytes (fails on an early end of stream). */
export async function readExactly(conn: Connection, n: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let got = 0;
  while (got < n) {
    const chunk = await readChunk(conn);
    if (chunk === null) expect.fail(`expected ${n} bytes before end of stream, got end of stream after ${got}`);
    chunks.push(chunk);
    got += chunk.length;
  }
  const all = concat(chunks);
  expect(all.length, 'read past the expected bytes').to.equal(n);
  return all;
}

/** A listener on 127.0.0.1, port 0 (or the given options), closed at the end of the case. */
export async function listen(t: Case, at: Parameters<Case['net']['listen']>[0] = { port: 0 }, opts?: Parameters<Case['net']['listen']>[1]): Promise<Listener> {
  const listener = await t.net.listen(at, opts);
  t.defer(() => listener.close());
  return listener;
}

/** A connected pair: client from connect(), server from accept(). Both closed at the end of the case. */
export async function connectedPair(t: Case, listener?: Listener): Promise<{ listener: Listener; client: Connection; server: Connection }> {
  const l = listener ?? await listen(t);
  const [client, server] = await Promise.all([t.net.connect(l.address), l.accept()]);
  expect(server, 'accept() returned null on an open listener').to.not.equal(null);
  t.defer(() => client.close());
  t.defer(() => server!.close());
  return { listener: l, client, server: server! };
}

/** Serves each accepted connection: echoes every byte, then half-closes when the client does. */
export function serveEcho(t: Case, listener: Listener): void {
  t.ex.spawnLocal(async () => {
    for (;;) {
      const conn = await listener.accept();
      if (conn === null) return;
      t.ex.spawnLocal(async () => {
        try {
          for (;;) {
            const chunk = await conn.read();
            if (chunk === null || chunk.length === 0) break; // an empty chunk is the adapter's fault: stop serving, the case reports it
            await conn.write(chunk);
          }
          await conn.closeWrite();
        } catch { /* the case reports what it sees on its side */ } finally {
          await conn.closed;
          await conn.close();
        }
      }).detach();
    }
  }).detach();
}

/** An echo server on the runtime's own net; returns its listener. */
export async function echoServer(t: Case, at: Parameters<Case['net']['listen']>[0] = { port: 0 }, opts?: Parameters<Case['net']['listen']>[1]): Promise<Listener> {
  const listener = await listen(t, at, opts);
  serveEcho(t, listener);
  return listener;
}

/** A UDP socket on 127.0.0.1:0, closed at the end of the case. */
export async function bindUdp(t: Case): Promise<UdpSocket> {
  const socket = await t.net.bindUdp({ port: 0 });
  t.defer(() => socket.close());
  return socket;
}

export function portOf(address: SocketAddress): number {
  expect(address, 'a host/port address').to.have.property('port');
  return (address as { port: number }).port;
}

/** A Unix socket path unique to this case, under the OS temporary directory. */
let pathCounter = 0;
export function uniqueSocketPath(tmpdir: string): string {
  const random = Math.floor(Math.random() * 1e9).toString(36);
  return `${tmpdir.replace(/\/$/, '')}/rt-conformance-${random}-${++pathCounter}.sock`;
}

// ── waiting ──────────────────────────────────────────────────────────────────
/** A body that waits until its task is cancelled, then resolves (honours cx.signal, as a well-behaved task does). */
export function untilAborted(cx: { signal: AbortSignal }): Promise<void> {
  return new Promise<void>((resolve) => {
    if (cx.signal.aborted) resolve();
    else cx.signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** A promise that never settles. */
export function never<T = never>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** Yields (yieldNow, then short sleeps on the runtime's clock) until `condition()` holds; fails after `rounds`. */
export async function eventually(t: Case, condition: () => boolean, what: string, rounds = 200): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    if (condition()) return;
    if (i < 20) await t.ex.yieldNow();
    else await t.clock.sleep(5);
  }
  expect.fail(`never happened: ${what}`);
}

/** Settles to { value } or { error }, never rejects. */
export async function settle<T>(promise: PromiseLike<T>): Promise<{ value: T } | { error: unknown }> {
  try { return { value: await promise }; } catch (error) { return { error }; }
}
