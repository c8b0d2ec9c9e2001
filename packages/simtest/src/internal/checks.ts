// Argument checks shared by simtest's entry points: one way to show a bad value in a message.
export { show } from '@runtime-traits/core/kit';

/** Checks that `def` looks like a TaskDef (module URL, export name, function). */
export function checkScenario(def: unknown, arg = 'scenario'): void {
  const d = def as { module?: unknown; name?: unknown; fn?: unknown };
  if (typeof d !== 'object' || d === null || typeof d.module !== 'string' || typeof d.name !== 'string' || typeof d.fn !== 'function') {
    throw new TypeError(`${arg} must be a TaskDef made by defineTask(import.meta.url, name, fn), got ${typeof def}`);
  }
}
