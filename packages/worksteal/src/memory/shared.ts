// Every thread's typed views over the runtime's shared buffers, built from the same Layout.
import { Deque } from '../queues/deque.js';
import { MpmcRing } from '../queues/mpmc-ring.js';
import { Parker } from '../threads/parker.js';
import { payloadView, type PayloadView } from './codec.js';
import { DefTable } from './def-table.js';
import { SabRegistry } from './sab-registry.js';
import { Layout, S, type LayoutConfig, type SharedBuffers } from './layout.js';

export class Shared {
  readonly layout: Layout;
  readonly control: Int32Array;
  /** Int32 view of the slots buffer (slot headers). */
  readonly slots: Int32Array;
  readonly payload: PayloadView;
  /** deques[w] for worker w (index 0 unused). */
  readonly deques: Deque[] = [];
  readonly injector: MpmcRing;
  readonly blockingQueue: MpmcRing;
  /** pinned[w]: worker w's placement queue (thread-per-core only; empty otherwise). Only w pops it. */
  readonly pinned: MpmcRing[] = [];
  /** rings[e]: completions for tasks endpoint e owns. */
  readonly rings: MpmcRing[] = [];
  readonly defs: DefTable;
  readonly parker: Parker;
  readonly sabs: SabRegistry;

  constructor(readonly config: LayoutConfig, readonly buffers: SharedBuffers) {
    this.layout = new Layout(config);
    this.control = new Int32Array(buffers.control);
    this.slots = new Int32Array(buffers.slots);
    this.sabs = new SabRegistry(this.control);
    this.payload = payloadView(buffers.slots, this.sabs);
    const L = this.layout;
    for (let w = 1; w <= config.workers; w++) this.deques[w] = new Deque(this.control, L.dequeOffset(w), config.queueCapacity);
    this.injector = new MpmcRing(this.control, L.injectorBase, L.injectorCapacity);
    this.blockingQueue = new MpmcRing(this.control, L.blockingQueueBase, L.injectorCapacity);
    if (config.pinned === true) for (let w = 1; w <= config.workers; w++) this.pinned[w] = new MpmcRing(this.control, L.pinnedOffset(w), L.injectorCapacity);
    for (let e = 0; e < L.endpoints; e++) this.rings[e] = new MpmcRing(this.control, L.ringOffset(e), L.ringCapacity(e));
    this.defs = new DefTable(this.control, buffers.defs);
    this.parker = new Parker(this.control, L);
  }

  /** Without stealing: where worker w's tasks wait for it (any thread pushes). With stealing: the injector. */
  homeQueue(w: number): MpmcRing {
    return this.pinned[w] ?? this.injector;
  }

  /** Made by the main thread: fresh buffers with every queue initialised. */
  static create(config: LayoutConfig): Shared {
    const layout = new Layout(config);
    const shared = new Shared(config, layout.allocate());
    shared.injector.init();
    shared.blockingQueue.init();
    for (const ring of shared.rings) ring.init();
    for (const ring of shared.pinned) ring?.init();
    for (let e = 0; e < layout.endpoints; e++) {
      const base = layout.slotBase(e);
      for (let i = 0; i < layout.slotCount(e); i++) {
        Atomics.store(shared.slots, Layout.slotWord(base + i) + S.OWNER, e); // fixed for the runtime's life
      }
    }
    return shared;
  }
}
