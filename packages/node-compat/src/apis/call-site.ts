// The first stack frame outside node-compat: where the code that did something (re-armed a timer, escaped) lives, for messages and traces.
import { fileURLToPath } from 'node:url';

/** This package's dist/src folder: frames in it are ours. */
const OURS = fileURLToPath(new URL('../', import.meta.url));

/** "fn (file:line:col)" of the first caller outside node-compat and outside Node's own timer modules, or 'unknown'. */
export function callSite(skipNode = true): string {
  const stack = new Error().stack ?? '';
  for (const line of stack.split('\n').slice(1)) {
    const frame = line.trim().replace(/^at /, '');
    if (frame.includes(OURS) || frame.includes(OURS.replace(/\\/g, '/'))) continue;
    if (skipNode && /\(node:(internal\/)?timers/.test(frame)) continue;
    return frame;
  }
  return 'unknown';
}

/** True when the first frame outside node-compat and Node's timer modules is Node's own code (node:…). */
export function calledByNode(): boolean {
  const site = callSite();
  return site.includes('(node:') || site.startsWith('node:');
}
