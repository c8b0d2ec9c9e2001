// The four peer pools behind one small interface, each with a fixed number of worker threads.
import { Piscina } from 'piscina';
import { FixedThreadPool } from 'poolifier';
import Tinypool from 'tinypool';
import workerpool from 'workerpool';

export type PeerName = 'piscina' | 'tinypool' | 'workerpool' | 'poolifier';
export const PEERS: readonly PeerName[] = ['piscina', 'tinypool', 'workerpool', 'poolifier'];

export interface Pool {
  run(x: number): Promise<number>;
  close(): Promise<void>;
}

const here = (file: string): string => new URL(file, import.meta.url).pathname;

/** A started pool of `threads` workers running the tiny task (x + 1). */
export async function openPool(peer: PeerName, threads: number): Promise<Pool> {
  switch (peer) {
    case 'piscina': {
      const pool = new Piscina({ filename: here('./tiny-worker.js'), minThreads: threads, maxThreads: threads });
      return { run: (x) => pool.run(x) as Promise<number>, close: () => pool.destroy() };
    }
    case 'tinypool': {
      const pool = new Tinypool({ filename: here('./tiny-worker.js'), minThreads: threads, maxThreads: threads });
      return { run: (x) => pool.run(x) as Promise<number>, close: () => pool.destroy() };
    }
    case 'workerpool': {
      const pool = workerpool.pool(here('./workerpool-worker.js'), { minWorkers: threads, maxWorkers: threads, workerType: 'thread' });
      return {
        run: (x) => pool.exec('addOne', [x]) as unknown as Promise<number>,
        close: async () => { await pool.terminate(); },
      };
    }
    case 'poolifier': {
      const pool = new FixedThreadPool<number, number>(threads, here('./poolifier-worker.js'));
      return { run: (x) => pool.execute(x), close: () => pool.destroy() };
    }
  }
}
