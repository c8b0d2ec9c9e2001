// The slow backend: versioned items over node:http. A read takes its snapshot when it arrives and answers 20–420 ms later.
import http from 'node:http';

export interface Item {
  key: string;
  /** Bumped by every write; 0 for a key never written. */
  version: number;
  value: string;
}

/** Where the backend keeps its items: it outlives a crash of its host (a stand-in for a disk). */
export type Disk = Map<string, Item>;

export const BACKEND_PORT = 80;

function send(res: http.ServerResponse, item: Item): void {
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify(item));
}

/** GET /item/:key answers the item as it was when the request arrived; PUT /item/:key (body: the value) writes a new version. */
export function startBackend(disk: Disk, port = BACKEND_PORT): http.Server {
  return http.createServer((req, res) => {
    const key = decodeURIComponent((req.url ?? '').replace(/^\/item\//, ''));
    const slow = 20 + Math.floor(Math.random() * 400); // a slow query; seeded inside a simulation
    if (req.method === 'PUT') {
      let value = '';
      req.setEncoding('utf8').on('data', (chunk: string) => { value += chunk; }).on('end', () => {
        setTimeout(() => {
          const item = { key, version: (disk.get(key)?.version ?? 0) + 1, value };
          disk.set(key, item);
          send(res, item);
        }, slow);
      });
      return;
    }
    const snapshot = disk.get(key) ?? { key, version: 0, value: '' };
    setTimeout(() => send(res, snapshot), slow);
  }).listen(port);
}
