// Finds a TaskDef's function by importing its module, proving the def is really exported there.
import type { TaskDef } from '@runtime-traits/core';

const verified = new Map<string, Promise<TaskDef<unknown[], unknown>>>();

/**
 * Imports `def.module` and returns the TaskDef exported as `def.name`. Rejects with a TypeError that
 * names the module and the export when the module cannot be loaded or does not export that def —
 * the mistake that would otherwise surface only once the task crosses to another thread.
 */
export function resolveTask<A extends unknown[], R>(def: TaskDef<A, R>): Promise<TaskDef<A, R>> {
  const key = `${def.module}#${def.name}`;
  let found = verified.get(key);
  if (!found) {
    found = importExport(def.module, def.name);
    verified.set(key, found);
    found.catch(() => verified.delete(key));
  }
  return found as Promise<TaskDef<A, R>>;
}

/** Synchronous: the def already verified, or undefined (used by sync paths such as join). */
export function isVerified(def: TaskDef<unknown[], unknown>): boolean {
  return verified.has(`${def.module}#${def.name}`);
}

async function importExport(module: string, name: string): Promise<TaskDef<unknown[], unknown>> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await import(module) as Record<string, unknown>;
  } catch (error) {
    throw new TypeError(`def.module ${JSON.stringify(module)} cannot be imported: ${(error as Error).message}`, { cause: error });
  }
  const exported = namespace[name] as TaskDef<unknown[], unknown> | undefined;
  if (!exported || typeof exported.fn !== 'function' || exported.name !== name) {
    throw new TypeError(`def.name ${JSON.stringify(name)} is not a TaskDef exported by ${module}; export it under that name`);
  }
  return exported;
}
