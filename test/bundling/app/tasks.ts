// The bundled app's portable tasks: a module of their own, so a bundler can emit them in a chunk a worker imports without starting the app.
import { defineTask } from '@runtime-traits/core';

export const add = defineTask(import.meta.url, 'add', (_cx, a: number, b: number): number => a + b);

/** Where it ran: the worker_threads thread id (0 = main thread). */
export const whereAmI = defineTask(import.meta.url, 'whereAmI', async (): Promise<number> => (await import('node:worker_threads')).threadId);
