// The hash that dates an engines table: the conformance suite's case titles, in order (a changed, added or removed case changes it).
import { createHash } from 'node:crypto';
import { caseTitles } from '@runtime-traits/conformance';

export function suiteHash() {
  return createHash('sha256').update(caseTitles().join('\n')).digest('hex').slice(0, 16);
}

/** The engines CI runs the conformance suite on, and the runtimes it runs there (rows and columns of the table). */
export const CONFORMANCE_ENGINES = ['node-22', 'node-26', 'bun', 'deno', 'chromium-unbundled', 'chromium-bundled'];
export const RUNTIMES = ['node', 'local', 'worksteal-1', 'worksteal-4'];
