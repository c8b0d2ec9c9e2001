// The keyspace: binary-safe keys and values, with expiry measured on the runtime's Clock.
//
// Expiry is lazy, like Redis: a key past its deadline is deleted when it is next touched, and
// `sweep()` (called by the server after each batch of commands) checks a few keys with a deadline
// so that keys nobody reads again do not stay in memory forever. Because every deadline is read
// from `clock.now()`, a virtual clock makes an hour-long TTL expire in no wall time at all.
//
// WATCH: every change to a key — a write, a delete, a deadline set or removed, an expiry, a flush —
// marks the watchers of that key dirty (Redis's touchWatchedKey), so EXEC can refuse to run.
import type { Clock } from '@runtime-traits/core';
import { compileGlob } from './glob.js';
import { KeyOrder } from './key-order.js';

interface Entry {
  /** The store's own copy: never a view into a read. */
  value: Uint8Array;
  /** `clock.now()` at which the key disappears; Infinity for a key without expiry. */
  expiresAt: number;
  /** Its place in SCAN order (see key-order.ts). */
  readonly seq: number;
}

/** A connection's WATCHed keys; `dirty` once any of them changed. Owned by one Session. */
export interface Watcher {
  dirty: boolean;
  readonly keys: Set<string>;
}

/** Result of `ttl()`: -2 for a missing key, -1 for a key without expiry, else milliseconds left. */
export type TtlMs = number;

export class Store {
  /** key (latin1, one char per byte) → entry. Invariant: an entry in `volatile` has a finite expiresAt. */
  private readonly entries = new Map<string, Entry>();
  /** Keys that have a deadline, walked a few at a time by `sweep()`. */
  private readonly volatile = new Set<string>();
  private cursor: Iterator<string> = this.volatile.values();
  private readonly order = new KeyOrder();
  /** key → the watchers of that key. Invariant: w in watchers.get(k) iff k in w.keys. */
  private readonly watchers = new Map<string, Set<Watcher>>();

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  get(key: string): Uint8Array | null {
    return this.live(key)?.value ?? null;
  }

  /**
   * Stores a copy of `value` (the caller's bytes may be a view into a read buffer); `ttlMs` sets a
   * deadline, `keepTtl` keeps the old one, neither removes it.
   */
  set(key: string, value: Uint8Array, opts?: { ttlMs?: number; keepTtl?: boolean }): void {
    const old = this.live(key);
    const expiresAt = opts?.ttlMs !== undefined ? this.clock.now() + opts.ttlMs
      : opts?.keepTtl ? old?.expiresAt ?? Infinity : Infinity;
    const copy = value.slice();
    if (old === undefined) {
      this.entries.set(key, { value: copy, expiresAt, seq: this.order.add(key) });
    } else {
      old.value = copy;
      if (old.expiresAt !== Infinity && expiresAt === Infinity) this.volatile.delete(key);
      old.expiresAt = expiresAt;
    }
    if (expiresAt !== Infinity) this.volatile.add(key);
    this.touch(key);
  }

  has(key: string): boolean {
    return this.live(key) !== undefined;
  }

  delete(key: string): boolean {
    if (!this.live(key)) return false;
    this.remove(key);
    return true;
  }

  /** Sets a deadline `ms` from now on an existing key (deleting it if `ms` <= 0); false if there is no such key. */
  expire(key: string, ms: number): boolean {
    const entry = this.live(key);
    if (!entry) return false;
    if (ms <= 0) {
      this.remove(key);
      return true;
    }
    entry.expiresAt = this.clock.now() + ms;
    this.volatile.add(key);
    this.touch(key);
    return true;
  }

  /** Removes a key's deadline; false if it has none (or does not exist). */
  persist(key: string): boolean {
    const entry = this.live(key);
    if (!entry || entry.expiresAt === Infinity) return false;
    entry.expiresAt = Infinity;
    this.volatile.delete(key);
    this.touch(key);
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

  /** One SCAN step: up to about `count` live keys from `cursor`, and the cursor to continue from (0: done). */
  scan(cursor: number, count: number): { keys: string[]; next: number } {
    const page = this.order.page(cursor, count);
    return { keys: page.keys.filter((key) => this.live(key) !== undefined), next: page.next };
  }

  /** Number of live keys. */
  size(): number {
    this.sweep(this.volatile.size);
    return this.entries.size;
  }

  /** Number of live keys that have a deadline. */
  volatileSize(): number {
    this.sweep(this.volatile.size);
    return this.volatile.size;
  }

  flush(): void {
    for (const [key, set] of this.watchers) {
      if (this.entries.has(key)) for (const watcher of set) watcher.dirty = true;
    }
    this.entries.clear();
    this.volatile.clear();
    this.cursor = this.volatile.values();
    this.order.clear();
  }

  /** Starts watching `key` for `watcher` (expired keys are dropped first, so their expiry is not a change). */
  watch(key: string, watcher: Watcher): void {
    this.live(key);
    watcher.keys.add(key);
    let set = this.watchers.get(key);
    if (!set) this.watchers.set(key, set = new Set());
    set.add(watcher);
  }

  /** Stops watching every key of `watcher` and clears its dirty flag. */
  unwatchAll(watcher: Watcher): void {
    for (const key of watcher.keys) {
      const set = this.watchers.get(key);
      set?.delete(watcher);
      if (set?.size === 0) this.watchers.delete(key);
    }
    watcher.keys.clear();
    watcher.dirty = false;
  }

  /** Expires what is due among `watcher`'s keys, so a watched key that expired makes it dirty. */
  expireWatched(watcher: Watcher): void {
    for (const key of watcher.keys) this.live(key);
  }

  /**
   * Checks up to `budget` keys that have a deadline and deletes those that are past it, except those
   * `spare` names (keys a command over several shards holds: see shard.ts).
   */
  sweep(budget = 20, spare?: (key: string) => boolean): void {
    if (this.volatile.size === 0) return;
    const now = this.clock.now();
    for (let checked = 0; checked < budget && this.volatile.size > 0; checked++) {
      let next = this.cursor.next();
      if (next.done) {
        this.cursor = this.volatile.values();
        next = this.cursor.next();
        if (next.done) return;
      }
      const entry = this.entries.get(next.value);
      if (!entry || (entry.expiresAt <= now && !spare?.(next.value))) this.remove(next.value);
    }
  }

  /** The entry if the key exists and has not expired; an expired one is deleted. */
  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt !== Infinity && entry.expiresAt <= this.clock.now()) {
      this.remove(key);
      return undefined;
    }
    return entry;
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.volatile.delete(key);
    this.order.remove(entry.seq);
    this.touch(key);
  }

  private touch(key: string): void {
    if (this.watchers.size === 0) return;
    const set = this.watchers.get(key);
    if (set) for (const watcher of set) watcher.dirty = true;
  }
}
