// @runtime-traits/local: a single-threaded deterministic runtime with a virtual clock and a simulated network.
export { LocalRuntime, VIRTUAL_EPOCH } from './local-runtime.js';
export { Simulation } from './simulation.js';
export { buggify } from './buggify.js';
export { always, sometimes, SimAssertionError } from './assertions.js';
export { currentSimulation, observeSimulations } from './sim-context.js';
export { NondeterminismError } from './determinism.js';

export type { LocalRuntimeOptions } from './local-runtime.js';
export type { SimulationOptions } from './simulation.js';
export type { LinkOptions, Latency } from './sim-net/network.js';
export type { TraceEvent } from './trace.js';
export type { AssertionSummary } from './assertions.js';
export type { SimulationContext } from './sim-context.js';
export type { DeterminismOptions, DeterminismReport } from './determinism.js';
