// Finds a TaskDef's function: in this realm's task registry, else by importing its module (which defines it).
import { lookupTask, type TaskDef } from '@runtime-traits/core';

type AnyDef = TaskDef<unknown[], unknown>;

const verified = new Map<string, Promise<AnyDef>>();

/**
 * Returns the def that `def.module` defines under `def.name`. A def made by defineTask in this realm
 * is found in the registry at once (no import: a bundled app's own entry may still be evaluating).
 * Otherwise the module is imported — as a worker thread does — and the registry consulted again; a
 * hand-made def is accepted when the module exports a TaskDef of that name. Rejects with a TypeError
 * naming the module and the name when the module cannot be loaded or does not define the task.
 */
export function resolveTask<A extends unknown[], R>(def: TaskDef<A, R>): Promise<TaskDef<A, R>> {
  const key = `${def.module}#${def.name}`;
  let found = verified.get(key);
  if (!found) {
    let known: AnyDef | undefined;
    try {
      known = lookupTask(def.module, def.name);
    } catch (error) {
      return Promise.reject(error);
    }
    found = known ? Promise.resolve(known) : importDefined(def.module, def.name);
    verified.set(key, found);
    found.catch(() => verified.delete(key));
  }
  return found as Promise<TaskDef<A, R>>;
}

/** Synchronous: whether resolveTask(def) would settle without importing anything (used by sync paths such as join). */
export function isVerified(def: AnyDef): boolean {
  if (verified.has(`${def.module}#${def.name}`)) return true;
  try {
    return lookupTask(def.module, def.name) !== undefined;
  } catch {
    return false;
  }
}

async function importDefined(module: string, name: string): Promise<AnyDef> {
  let namespace: Record<string, unknown>;
  try {
    namespace = await import(module) as Record<string, unknown>;
  } catch (error) {
    throw new TypeError(`def.module ${JSON.stringify(module)} cannot be imported: ${(error as Error).message}`, { cause: error });
  }
  const defined = lookupTask(module, name);
  if (defined) return defined;
  const exported = namespace[name] as AnyDef | undefined;
  if (exported && typeof exported.fn === 'function' && exported.name === name && exported.module === module) return exported;
  throw new TypeError(`def.name ${JSON.stringify(name)} is not a task defined by ${module}; `
    + `call defineTask(import.meta.url, ${JSON.stringify(name)}, fn) at that module's top level`);
}
