// Where everything lives in the runtime's SharedArrayBuffers: one layout object, built the same on every thread.
//
// Three buffers, made by the main thread in create() and sent once to every thread in workerData:
//
//  control (Int32Array)
//  ┌──────────────────┬───────────────────────────────┬────────────────────────┬───────────┬──────────┬──────────────┐
//  │ globals (16)     │ endpoint blocks (16 each)     │ deques (one per worker)│ injector  │ blocking │ completion   │
//  │ searching, ...   │ main, worker 1..W, blocking.. │ top,bottom,ring[Q]     │ (Vyukov)  │ queue    │ ring per     │
//  └──────────────────┴───────────────────────────────┴────────────────────────┴───────────┴──────────┴─ endpoint ───┘
//
//  slots (one 256-byte record per task in flight; endpoint e owns slots [slotBase(e), slotBase(e)+slotCount(e)))
//  ┌─ Int32 header (12 words) ───────────────────────────────┬─ payload (208 bytes) ───────────────────────┐
//  │ state flags def kind len runner owner mode waiter ...   │ args (encoded by the spawner), then result  │
//  └─────────────────────────────────────────────────────────┴─────────────────────────────────────────────┘
//
//  defs: the registry of TaskDefs by number (see def-table.ts).
//
// "Endpoint" = a thread that owns tasks and receives their completions: 0 is the main thread,
// 1..W the stealing workers, W+1..W+B the blocking threads.
//
// Adding shared state: something global gets a word of G (16 reserved, 9 used); something per
// thread gets a word of E (16 per endpoint, 10 used), written by that thread alone if it can be;
// a new queue or array gets its own region in the Layout constructor. Thread-per-core adds one
// placement queue per worker after the blocking queue (Vyukov, injector-sized): main and every
// worker push (spawnOn, round-robin spawn, crash requeue), only that worker pops. Each word says who writes it.
import { dequeWords } from '../queues/deque.js';
import { mpmcWords } from '../queues/mpmc-ring.js';

/** Globals: word offsets in the control buffer. */
export const G = {
  /** Workers currently searching for work (tokio's idle.rs "num_searching"). Any worker: Atomics.add/sub. Pushers read it. */
  SEARCHING: 0,
  /** 1 once shutdown began. Main writes once; workers read while idle. */
  SHUTDOWN: 1,
  /** Spin lock guarding def-table appends. Any thread: CAS 0→1, store 0. */
  DEF_LOCK: 2,
  /** Defs registered. Written under DEF_LOCK after the entry is complete; read by anyone. */
  DEF_COUNT: 3,
  /** Bytes used in the def string area. Written under DEF_LOCK. */
  DEF_BYTES: 4,
  /** Round-robin start for waking a parked worker. Any thread: Atomics.add; a hint only. */
  WAKE_CURSOR: 5,
  /** 1 once the blocking threads were started. Main writes; workers read (they ask main by message otherwise). */
  BLOCKING_STARTED: 6,
  /** Next SharedArrayBuffer number (sab-registry.ts). Any thread: Atomics.add. */
  SAB_NEXT: 7,
  /** Deaths marked in E.LIFE so far (threads/liveness.ts). Whoever marks one: Atomics.add; main compares it with what it handled. */
  DEATHS: 8,
} as const;
const GLOBAL_WORDS = 16;

/** Per-endpoint block: word offsets from the endpoint's base. */
export const E = {
  /** Idle state: ACTIVE, PARKED, NOTIFIED (see parker.ts for who may move it). */
  PSTATE: 0,
  /** The futex word the thread Atomics.wait()s on. The thread stores 0 before parking; a waker stores 1 then notifies. */
  PARK: 1,
  /** 1 when the main thread posted a control message to this thread. Main stores 1; the thread swaps it to 0. */
  MAIL: 2,
  /** Tasks this thread ran. Written only by the thread (Atomics.add), read by metrics(). */
  TASKS: 3,
  /** Tasks it stole. Written only by the thread. */
  STEALS: 4,
  /** Times it parked. Written only by the thread. */
  PARKS: 5,
  /** Times another thread woke it. Written by wakers (Atomics.add). */
  WAKES: 6,
  /** Tasks spawned from inside it. Written only by the thread. */
  SPAWNS: 7,
  /**
   * Liveness of the thread on this endpoint (threads/liveness.ts): epoch * 8 + why it died (0 while
   * alive). Main stores a new epoch before starting a thread; the thread itself, or the watchdog
   * thread when the thread's life port closed, stores a why by CAS from that epoch's alive value only.
   */
  LIFE: 8,
  /** The code the thread passed to process.exit. Written only by the thread, before it marks itself dead. */
  EXIT_CODE: 9,
} as const;
const ENDPOINT_WORDS = 16;

/** Slot header: Int32 word offsets inside a slot record. */
export const S = {
  /** Lifecycle (SlotState): written only through task/slot-state.ts, which says who moves it when. */
  STATE: 0,
  /** Bit 1 = cancel requested (owner raises it, the runner polls it); bit 2 = claimed, def still loading (the runner's). task/slot-state.ts. */
  FLAGS: 1,
  /** Def number in the def table. Written by the owner before the slot is queued. */
  DEF: 2,
  /** Payload encoding (codec.ts Kind). Written by the owner for args, by the runner for the result. */
  KIND: 3,
  /** Payload length in bytes. Same writers as KIND. */
  LEN: 4,
  /** Endpoint running the task. Written by the runner just before it claims the slot (task/slot-state.ts). */
  RUNNER: 5,
  /** Endpoint that owns the slot (receives the completion). Fixed by the slot's range. */
  OWNER: 6,
  /** SlotMode: how completion is reported. Written by the owner before queueing. */
  MODE: 7,
  /** 1 once a join's b has a joiner that may sleep. The joiner stores; the runner reads after DONE (task/slot-state.ts). */
  WAITER: 8,
  /**
   * How many tasks the slot has held: the owner adds one as it writes each task (writeTask). A result
   * sent by message names it, so a message that outlived its task (its runner died after sending it)
   * is told apart from the result of the slot's next task.
   */
  USE: 9,
} as const;
export const SLOT_BYTES = 256;
export const SLOT_HEADER_BYTES = 48;
export const PAYLOAD_BYTES = SLOT_BYTES - SLOT_HEADER_BYTES;
/** Int32 words per slot record: slot n's header starts at word n * SLOT_WORDS of the slots buffer. */
export const SLOT_WORDS = SLOT_BYTES / 4;

export const enum SlotMode {
  /** Completion goes to the owner's completion ring. */
  TASK = 0,
  /** join's b: the joiner polls STATE; nothing goes to the ring; the joiner frees the slot. */
  JOIN = 1,
}

export interface LayoutConfig {
  workers: number;
  blocking: number;
  /** Deque capacity per worker (power of two). */
  queueCapacity: number;
  mainSlots: number;
  workerSlots: number;
  blockingSlots: number;
  /** Thread-per-core (`stealing: false`): every worker gets a placement queue only it takes from. */
  pinned?: boolean;
}

export interface SharedBuffers {
  control: SharedArrayBuffer;
  slots: SharedArrayBuffer;
  defs: SharedArrayBuffer;
}

export const DEF_INDEX_WORDS = 2 * 4096;
export const DEF_STRING_BYTES = 256 * 1024;

function pow2AtLeast(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}

export class Layout {
  readonly endpoints: number;
  readonly totalSlots: number;
  readonly injectorCapacity: number;
  private readonly slotBases: number[] = [];
  private readonly slotCounts: number[] = [];
  private readonly ringBases: number[] = [];
  private readonly ringCaps: number[] = [];
  readonly dequeBase: number;
  readonly injectorBase: number;
  readonly blockingQueueBase: number;
  /** First placement queue (worker w's at pinnedOffset(w)); none unless config.pinned. */
  readonly pinnedBase: number;
  readonly controlWords: number;

  constructor(readonly config: LayoutConfig) {
    const { workers, blocking, queueCapacity } = config;
    this.endpoints = 1 + workers + blocking;
    let slot = 0;
    for (let e = 0; e < this.endpoints; e++) {
      const count = e === 0 ? config.mainSlots : e <= workers ? config.workerSlots : config.blockingSlots;
      this.slotBases.push(slot);
      this.slotCounts.push(count);
      slot += count;
    }
    this.totalSlots = slot;
    // Every slot is in at most one queue at a time, so a queue this big is never full.
    this.injectorCapacity = pow2AtLeast(this.totalSlots);
    let at = GLOBAL_WORDS + ENDPOINT_WORDS * this.endpoints;
    this.dequeBase = at;
    at += workers * dequeWords(queueCapacity);
    this.injectorBase = at;
    at += mpmcWords(this.injectorCapacity);
    this.blockingQueueBase = at;
    at += mpmcWords(this.injectorCapacity);
    // A placement queue can hold any slot (spawnOn from main and from every worker), so it is as big
    // as the injector: never full in use, at workers × injector words (document the cost).
    this.pinnedBase = at;
    if (config.pinned) at += workers * mpmcWords(this.injectorCapacity);
    for (let e = 0; e < this.endpoints; e++) {
      const cap = pow2AtLeast(this.slotCounts[e]!);
      this.ringBases.push(at);
      this.ringCaps.push(cap);
      at += mpmcWords(cap);
    }
    this.controlWords = at;
  }

  allocate(): SharedBuffers {
    return {
      control: new SharedArrayBuffer(this.controlWords * 4),
      slots: new SharedArrayBuffer(this.totalSlots * SLOT_BYTES),
      defs: new SharedArrayBuffer(DEF_INDEX_WORDS * 4 + DEF_STRING_BYTES),
    };
  }

  endpointBase(e: number): number {
    return GLOBAL_WORDS + ENDPOINT_WORDS * e;
  }

  /** Word offset of worker w's deque (w in 1..workers). */
  dequeOffset(w: number): number {
    return this.dequeBase + (w - 1) * dequeWords(this.config.queueCapacity);
  }

  /** Word offset of worker w's placement queue (w in 1..workers; config.pinned only). */
  pinnedOffset(w: number): number {
    return this.pinnedBase + (w - 1) * mpmcWords(this.injectorCapacity);
  }

  slotBase(e: number): number {
    return this.slotBases[e]!;
  }

  slotCount(e: number): number {
    return this.slotCounts[e]!;
  }

  ringOffset(e: number): number {
    return this.ringBases[e]!;
  }

  ringCapacity(e: number): number {
    return this.ringCaps[e]!;
  }

  /** Word offset of a slot's header in the slots buffer's Int32 view. */
  static slotWord(slot: number): number {
    return slot * SLOT_WORDS;
  }

  /** Byte offset of a slot's payload. */
  static payloadByte(slot: number): number {
    return slot * SLOT_BYTES + SLOT_HEADER_BYTES;
  }

  isWorker(e: number): boolean {
    return e >= 1 && e <= this.config.workers;
  }

  /** Endpoint `e` as users number threads: `worker k` (cx.worker's k, 0-based) or `blocking thread j`. */
  threadName(e: number): string {
    return this.isWorker(e) ? `worker ${e - 1}` : `blocking thread ${e - this.config.workers - 1}`;
  }
}
