// The cache: node:http in front of the backend, filled through undici with timeouts and retries — written the usual Node way.
//
// GET /item/:key answers from the cache while the entry is younger than `ttlMs`, else fetches the item
// from the backend (each attempt bounded by undici's headersTimeout and bodyTimeout, retried with
// exponential backoff) and remembers it. PUT /item/:key writes through to the backend and remembers
// the new version. The naive cache remembers whatever arrives last; the fixed one never replaces a
// newer version by an older one — which is the whole difference, and a simulation finds why it matters.
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { request } from 'undici';
import type { Item } from './backend.js';

export interface CacheOptions {
  /** The backend's origin, e.g. 'http://backend'. */
  backend: string;
  ttlMs: number;
  /** Attempts per backend request. */
  attempts: number;
  /** Per attempt: undici's headersTimeout and bodyTimeout. */
  timeoutMs: number;
  /** The fix: keep the newest version when a fetched item arrives late. */
  keepNewest: boolean;
}

export const CACHE_PORT = 8080;

/** Counters a scenario reads back (for `sometimes`). */
export interface CacheStats { hits: number; fills: number; retries: number; stale: number }

export function startCache(options: CacheOptions, stats: CacheStats, port = CACHE_PORT): http.Server {
  const entries = new Map<string, { item: Item; at: number }>();

  async function backend(method: 'GET' | 'PUT', key: string, body?: string): Promise<Item> {
    let failure: unknown;
    for (let attempt = 1; attempt <= options.attempts; attempt++) {
      try {
        const res = await request(`${options.backend}/item/${encodeURIComponent(key)}`, {
          method, body, headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs,
        });
        if (res.statusCode !== 200) throw new Error(`backend answered ${res.statusCode}`);
        return await res.body.json() as Item;
      } catch (error) {
        failure = error;
        if (method === 'PUT') break; // a write that may have happened is not sent again
        stats.retries++;
        await sleep(50 * 2 ** attempt);
      }
    }
    throw failure;
  }

  function remember(item: Item): Item {
    const current = entries.get(item.key)?.item;
    if (current !== undefined && current.version > item.version) {
      stats.stale++;
      if (options.keepNewest) return current;
    }
    entries.set(item.key, { item, at: Date.now() });
    return item;
  }

  return http.createServer(async (req, res) => {
    const key = decodeURIComponent((req.url ?? '').replace(/^\/item\//, ''));
    try {
      let item: Item;
      if (req.method === 'PUT') {
        let value = '';
        for await (const chunk of req) value += String(chunk);
        item = remember(await backend('PUT', key, value));
      } else {
        const hit = entries.get(key);
        if (hit !== undefined && Date.now() - hit.at < options.ttlMs) {
          stats.hits++;
          item = hit.item;
        } else {
          stats.fills++;
          item = remember(await backend('GET', key));
        }
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(item));
    } catch (error) {
      res.statusCode = 502;
      res.end(JSON.stringify({ error: (error as Error).message }));
    }
  }).listen(port);
}
