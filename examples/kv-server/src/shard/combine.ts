// Shard-per-core: turns the replies of a split command's parts (RESP bytes as latin1 strings) into the one reply Redis would give.
import { parseReply } from '../lib/client.js';
import type { Combine } from './route.js';

const isError = (reply: string): boolean => reply.charCodeAt(0) === 45; /* - */

/** The part of an array reply after its `*n\r\n` header, and n. */
function arrayBody(reply: string): { count: number; body: string } {
  const end = reply.indexOf('\r\n');
  return { count: Number(reply.slice(1, end)), body: reply.slice(end + 2) };
}

/**
 * One reply from the parts' replies, in part order. `scanShard`/`workers`: a SCAN step's shard, whose
 * cursor is rewritten to the global one (shard cursor × workers + shard; the next shard when one ends).
 */
export function combine(how: Combine, replies: string[], scanShard = 0, workers = 1): string {
  if (how === 'one') return replies[0]!;
  const error = replies.find(isError);
  switch (how) {
    case 'array': { // MGET split into GETs: each GET reply is the element
      return `*${replies.length}\r\n${replies.join('')}`;
    }
    case 'sum': {
      if (error !== undefined) return error;
      let sum = 0;
      for (const reply of replies) sum += Number(reply.slice(1, -2));
      return `:${sum}\r\n`;
    }
    case 'ok':
      return error ?? '+OK\r\n';
    case 'first':
      return error ?? replies[0]!;
    case 'keys': {
      if (error !== undefined) return error;
      let count = 0;
      let body = '';
      for (const reply of replies) {
        const part = arrayBody(reply);
        count += part.count;
        body += part.body;
      }
      return `*${count}\r\n${body}`;
    }
    case 'scan': {
      const reply = replies[0]!;
      if (isError(reply)) return reply;
      // *2\r\n$L\r\n<cursor>\r\n<keys array>
      const lenEnd = reply.indexOf('\r\n', 4);
      const cursorEnd = reply.indexOf('\r\n', lenEnd + 2);
      const next = Number(reply.slice(lenEnd + 2, cursorEnd));
      const global = next === 0 ? (scanShard + 1 < workers ? scanShard + 1 : 0) : next * workers + scanShard;
      const text = String(global);
      return `*2\r\n$${text.length}\r\n${text}${reply.slice(cursorEnd)}`;
    }
  }
}

/** An INFO reply (bulk or RESP3 verbatim) whose keyspace line (`db0:keys=…`) is made from every shard's `keys,expires`. */
export function infoWithKeyspace(reply: string, stats: string[]): string {
  const type = reply[0];
  if ((type !== '$' && type !== '=') || !reply.includes('# Keyspace\r\n')) return reply;
  const body = reply.slice(reply.indexOf('\r\n') + 2, -2);
  const format = type === '=' ? body.slice(0, 4) : ''; // txt:
  const text = body.slice(format.length);
  let keys = 0;
  let expires = 0;
  for (const stat of stats) {
    const [k, e] = stat.split(',');
    keys += Number(k);
    expires += Number(e);
  }
  const without = text.replace(/db0:[^\r]*\r\n/, '');
  const line = keys === 0 ? '' : `db0:keys=${keys},expires=${expires},avg_ttl=0\r\n`;
  const payload = format + without.replace('# Keyspace\r\n', `# Keyspace\r\n${line}`);
  return `${type}${payload.length}\r\n${payload}\r\n`;
}

/** The elements of an array reply (EXEC's), or null when the reply is not an array (an error, a null array). */
export function arrayElements(reply: string): string[] | null {
  if (reply[0] !== '*') return null;
  const { count, body } = arrayBody(reply);
  if (count < 0) return null;
  // The client's parser finds where each element ends (latin1: a char per byte); its values are not needed.
  const bytes = Buffer.from(body, 'latin1');
  const elements: string[] = [];
  for (let at = 0, i = 0; i < count; i++) {
    const { end } = parseReply(bytes, at, skipText)!;
    elements.push(body.slice(at, end));
    at = end;
  }
  return elements;
}

const skipText = (): string => '';
