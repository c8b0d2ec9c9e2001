// Names the thread a task runs on, for the showcase's "ran on" column — without importing anything host-specific.
//
// Node exposes worker_threads through `process.getBuiltinModule` (Node >= 20.16), so this asks the
// host at run time instead of importing it; in a browser or any other engine it answers 'main'.

interface WorkerThreadsLike {
  isMainThread: boolean;
  threadId: number;
}

export function whereAmI(): string {
  const host = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const threads = host?.getBuiltinModule?.('node:worker_threads') as WorkerThreadsLike | undefined;
  if (!threads || threads.isMainThread) return 'main';
  return `thread ${threads.threadId}`;
}
