// The keyspace: binary-safe keys and values, with expiry measured on the runtime's Clock.
//
// Expiry is lazy, like Redis: a key past its deadline is deleted when it is next touched, and
// `sweep()` (called by the server after each batch of commands) checks a few keys with a deadline
// so that keys nobody reads again do not stay in memory forever. Because every deadline is read
// from `clock.now()`, a virtual clock makes an hour-long TTL expire in no wall time at all.
import type { Clock } from '@runtime-traits/core';
import { compileGlob } from './glob.js';

interface Entry {
  value: Uint8Array;
  /** `clock.now()` at which the key disappears; Infinity for a key without expiry. */
  expiresAt: number;
}

/** Result of `ttl()`: -2 for a missing key, -1 for a key without expiry, else milliseconds left. */
export type TtlMs = number;

export class Store {
  /** key (latin1, one char per byte) → entry. Invariant: an entry in `volatile` has a finite expiresAt. */
  private readonly entries = new Map<string, Entry>();
  /** Keys that have a deadline, walked a few at a time by `sweep()`. */
  private readonly volatile = new Set<string>();
  private cursor: Iterator<string> = this.volatile.values();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  get(key: string): Uint8Array | null {
    return this.live(key)?.value ?? null;
  }

  /** Stores `value`; `ttlMs` sets a deadline, `keepTtl` keeps the old one, neither removes it. */
  set(key: string, value: Uint8Array, opts: { ttlMs?: number; keepTtl?: boolean } = {}): void {
    const old = opts.keepTtl ? this.live(key) : undefined;
    const expiresAt = opts.ttlMs !== undefined ? this.clock.now() + opts.ttlMs : old?.expiresAt ?? Infinity;
    this.entries.set(key, { value, expiresAt });
    if (expiresAt === Infinity) this.volatile.delete(key);
    else this.volatile.add(key);
  }

  has(key: string): boolean {
    return this.live(key) !== undefined;
  }

  delete(key: string): boolean {
    if (!this.live(key)) return false;
    this.remove(key);
    return true;
  }

  /** Sets a deadline `ms` from now on an existing key; false if there is no such key. */
  expire(key: string, ms: number): boolean {
    const entry = this.live(key);
    if (!entry) return false;
    entry.expiresAt = this.clock.now() + ms;
    this.volatile.add(key);
    return true;
  }

  ttl(key: string): TtlMs {
    const entry = this.live(key);
    if (!entry) return -2;
    if (entry.expiresAt === Infinity) return -1;
    return Math.max(0, entry.expiresAt - this.clock.now());
  }

  /** Live keys matching a glob pattern (expired ones are dropped on the way). */
  keys(pattern: string): string[] {
    const match = compileGlob(pattern);
    const out: string[] = [];
    for (const key of [...this.entries.keys()]) {
      if (this.live(key) && match(key)) out.push(key);
    }
    return out;
  }

  /** Number of live keys. */
  size(): number {
    this.sweep(this.volatile.size);
    return this.entries.size;
  }

  flush(): void {
    this.entries.clear();
    this.volatile.clear();
    this.cursor = this.volatile.values();
  }

  /** Checks up to `budget` keys that have a deadline and deletes those that are past it. */
  sweep(budget = 20): void {
    const now = this.clock.now();
    for (let checked = 0; checked < budget && this.volatile.size > 0; checked++) {
      let next = this.cursor.next();
      if (next.done) {
        this.cursor = this.volatile.values();
        next = this.cursor.next();
        if (next.done) return;
      }
      const entry = this.entries.get(next.value);
      if (!entry || entry.expiresAt <= now) this.remove(next.value);
    }
  }

  /** The entry if the key exists and has not expired; an expired one is deleted. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.remove(key);
      return undefined;
    }
    return entry;
  }

  private remove(key: string): void {
    this.entries.delete(key);
    this.volatile.delete(key);
  }
}
