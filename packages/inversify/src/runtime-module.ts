// runtimeModule: a ContainerModule that binds one runtime's tokens and shuts the runtime down when unbound.
import { CLOCK, EXECUTOR, NET, REACTOR, RUNTIME } from '@runtime-traits/core';
import type { Clock, Executor, Net, Reactor, Runtime } from '@runtime-traits/core';
import { show } from '@runtime-traits/core/kit';
import { ContainerModule } from 'inversify';

/**
 * Binds `RUNTIME` to `runtime` and `EXECUTOR`, `REACTOR`, `CLOCK`, `NET` to its parts.
 *
 * Lifetime: `container.unloadAsync(module)` or `container.unbindAsync(RUNTIME)` calls
 * `runtime.shutdown()` and waits for it.
 *
 * WHY the parts are resolved *through* RUNTIME: inversify deactivates only singletons it has
 * resolved (cached). Deriving every part from RUNTIME means that a library which injects only
 * `EXECUTOR` or `NET` still resolves RUNTIME, so unloading the module shuts the runtime down.
 * (If nothing at all was resolved from the module, inversify runs no deactivation; the
 * application still owns the runtime then and shuts it down itself.)
 */
export function runtimeModule(runtime: Runtime): ContainerModule {
  checkRuntime(runtime);
  return new ContainerModule(({ bind }) => {
    bind<Runtime>(RUNTIME).toConstantValue(runtime).onDeactivation((rt) => rt.shutdown());
    bind<Executor>(EXECUTOR).toResolvedValue((rt: Runtime) => rt.executor, [RUNTIME]).inSingletonScope();
    bind<Reactor>(REACTOR).toResolvedValue((rt: Runtime) => rt.reactor, [RUNTIME]).inSingletonScope();
    bind<Clock>(CLOCK).toResolvedValue((rt: Runtime) => rt.reactor.clock, [RUNTIME]).inSingletonScope();
    bind<Net>(NET).toResolvedValue((rt: Runtime) => rt.reactor.net, [RUNTIME]).inSingletonScope();
  });
}

function checkRuntime(runtime: unknown): asserts runtime is Runtime {
  let missing: string[];
  try { // (a proxy or a getter may throw: that is a bad argument too, not a stranger's error)
    missing = typeof runtime === 'object' && runtime !== null ? missingParts(runtime as Partial<Runtime>) : [];
  } catch (error) {
    throw new TypeError(`runtime could not be read: ${error instanceof Error ? error.message : show(error)}`, { cause: error });
  }
  if (typeof runtime !== 'object' || runtime === null || missing.length > 0) {
    // show(): a class passed instead of an instance is named, not printed in full.
    const got = typeof runtime === 'object' && runtime !== null ? `an object without ${missing.join(', ')}` : show(runtime);
    throw new TypeError(`runtime must be a Runtime (with executor, reactor and shutdown()), got ${got}`);
  }
}

/** The parts this module binds that `rt` lacks; a null executor or reactor is as missing as an absent one (resolving CLOCK would throw). */
function missingParts(rt: Partial<Runtime>): string[] {
  const missing: string[] = [];
  if (typeof rt.executor !== 'object' || rt.executor === null) missing.push('executor');
  if (typeof rt.reactor !== 'object' || rt.reactor === null) missing.push('reactor');
  if (typeof rt.shutdown !== 'function') missing.push('shutdown');
  return missing;
}
