// @runtime-traits/simtest: fault plans, explore over seeds on worker threads, shrink, replay, linearizability, simTest, the trace viewer.
export { applyPlan } from './apply-plan.js';
export { explore, planFor } from './explore.js';
export { shrink } from './shrink.js';
export { replay } from './replay.js';
export { readReplay, writeReplayFile } from './replay-file.js';
export { simTest } from './sim-test.js';
export { generatePlan, emptyPlan, describePlan, checkPlan } from './plan.js';
export { checkLinearizable } from './linearizability/check.js';
export { History } from './linearizability/history.js';
export * as models from './linearizability/models.js';
export { readTrace } from './viewer/trace-model.js';
export { renderPage } from './viewer/page.js';

export type { Scenario, FailureInfo } from './internal/run-scenario.js';
export type { ExploreOptions, ExploreReport, ExploreFailure } from './explore.js';
export type { ShrinkOptions, ShrinkResult } from './shrink.js';
export type { ReplayOptions, ReplayResult } from './replay.js';
export type { ReplayFile } from './replay-file.js';
export type { SimTestOptions } from './sim-test.js';
export type { Fault, FaultPlan, FaultKind, FaultOptions, PlanOptions, Latency } from './plan.js';
export type { Operation, Model, CheckResult } from './linearizability/model.js';
export type { CheckOptions } from './linearizability/check.js';
export type { PendingOperation } from './linearizability/history.js';
export type { TraceModel, TaskSpan, Message, FaultMark, Note } from './viewer/trace-model.js';
