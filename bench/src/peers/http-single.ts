// The http benchmark's single-threaded peer: the same JSON API on one node:http server. Prints one JSON line { port }.
import http from 'node:http';
import { createApi } from '@runtime-traits-examples/http-per-core/api';

const server = http.createServer({ keepAliveTimeout: 5_000 }, createApi('single'));
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as { port: number }).port })));
process.on('SIGTERM', () => process.exit(0));
