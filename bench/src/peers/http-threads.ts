// The http benchmark's reference without a runtime: N plain worker_threads, each with its own node:http server on one
// port (reusePort), the layout of the thread-per-core example with nothing of this repository between them.
// Usage: node http-threads.js <threads> ; prints one JSON line { port } once every thread listens.
import http from 'node:http';
import { Worker, isMainThread, parentPort, threadId, workerData } from 'node:worker_threads';
import { createApi } from '@runtime-traits-examples/http-per-core/api';

if (isMainThread) {
  const threads = Number(process.argv[2] ?? '2');
  // The first thread picks the port (listen on 0), the others join it.
  const start = (port: number): Promise<number> => new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: port });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const port = await start(0);
  for (let i = 1; i < threads; i++) await start(port);
  console.log(JSON.stringify({ port, threads }));
  const alive = setInterval(() => {}, 1 << 30);
  process.on('SIGTERM', () => { clearInterval(alive); process.exit(0); });
} else {
  const server = http.createServer({ keepAliveTimeout: 5_000 }, createApi(threadId));
  server.listen({ host: '127.0.0.1', port: workerData as number, reusePort: true }, () => parentPort!.postMessage((server.address() as { port: number }).port));
}
