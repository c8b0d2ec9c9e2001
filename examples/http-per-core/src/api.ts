// The service's small JSON API as a plain node:http request listener: the same code serves per core, in a cluster, or on one thread.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';

/** Largest request body /echo accepts. */
const MAX_BODY = 64 * 1024;

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) reject(new RangeError(`body over ${MAX_BODY} bytes`));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * GET /hello → { hello: 'world', worker }; GET /count → this thread's request count (per-thread
 * state: each worker counts its own); GET /sum?n=N → 1+…+N (N ≤ 10^6); POST /echo with a JSON body →
 * { echo: body, worker }. Anything else 404; a bad query or body 400. `worker` names who answered.
 */
export function createApi(worker: number | string): RequestListener {
  let served = 0;
  return (req, res) => {
    served++;
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/hello') return send(res, 200, { hello: 'world', worker });
    if (req.method === 'GET' && url.pathname === '/count') return send(res, 200, { worker, served });
    if (req.method === 'GET' && url.pathname === '/sum') {
      const n = Number(url.searchParams.get('n'));
      if (!Number.isInteger(n) || n < 0 || n > 1_000_000) return send(res, 400, { error: 'n must be an integer from 0 to 1000000' });
      let sum = 0;
      for (let i = 1; i <= n; i++) sum += i;
      return send(res, 200, { n, sum, worker });
    }
    if (req.method === 'POST' && url.pathname === '/echo') {
      readBody(req).then((text) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return send(res, 400, { error: 'the body must be JSON' });
        }
        send(res, 200, { echo: body, worker });
      }, (error: Error) => send(res, 413, { error: error.message }));
      return;
    }
    send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  };
}
