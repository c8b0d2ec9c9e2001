// runtimeModule: a ContainerModule that binds one runtime's tokens and shuts the runtime down when unbound.
import { CLOCK, EXECUTOR, NET, REACTOR, RUNTIME } from '@runtime-traits/core';
import type { Clock, Executor, Net, Reactor, Runtime } from '@runtime-traits/core';
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
  const rt = runtime as Partial<Runtime> | null;
  if (typeof rt !== 'object' || rt === null || typeof rt.shutdown !== 'function'
    || typeof rt.executor !== 'object' || typeof rt.reactor !== 'object') {
    throw new TypeError(`runtime must be a Runtime (with executor, reactor and shutdown()), got ${describe(runtime)}`);
  }
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return `an object without ${['executor', 'reactor', 'shutdown'].filter((k) => !(k in value)).join(', ') || 'the right shape'}`;
}
