// Newline-framed messages over a Connection: the tiny protocol the client and the server share.
import type { Connection } from '@runtime-traits/core';

const decoder = new TextDecoder();

/** Reads one line (without its '\n') from `conn`, or null when the stream ends before one is complete. */
export class LineReader {
  private buffered = '';

  constructor(private readonly conn: Connection) {}

  async next(signal?: AbortSignal): Promise<string | null> {
    for (;;) {
      const end = this.buffered.indexOf('\n');
      if (end >= 0) {
        const line = this.buffered.slice(0, end);
        this.buffered = this.buffered.slice(end + 1);
        return line;
      }
      const chunk = await this.conn.read(signal ? { signal } : undefined);
      if (chunk === null) return null;
      this.buffered += decoder.decode(chunk, { stream: true });
    }
  }
}
