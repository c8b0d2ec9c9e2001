// The http benchmark's node:cluster peer: a primary forks N processes, each serving the same JSON API with node:http on one port.
// Usage: node http-cluster.js <workers> ; prints one JSON line { port } once every process listens.
import cluster from 'node:cluster';
import http from 'node:http';
import net from 'node:net';
import { createApi } from '@runtime-traits-examples/http-per-core/api';

const workers = Number(process.argv[2] ?? '2');

if (cluster.isPrimary) {
  // A free port first: a worker's listen(0) would get a port of its own, not one to share.
  const probe = net.createServer().listen(0, '127.0.0.1', () => {
    const port = (probe.address() as net.AddressInfo).port;
    probe.close(() => {
      let listening = 0;
      for (let i = 0; i < workers; i++) {
        cluster.fork({ HTTP_PORT: String(port) }).on('message', () => {
          if (++listening === workers) console.log(JSON.stringify({ port, processes: workers }));
        });
      }
    });
  });
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.kill('SIGTERM');
    process.exit(0);
  });
} else {
  const server = http.createServer({ keepAliveTimeout: 5_000 }, createApi(cluster.worker!.id));
  server.listen(Number(process.env.HTTP_PORT), '127.0.0.1', () => process.send!({ port: (server.address() as { port: number }).port }));
}
