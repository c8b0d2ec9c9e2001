// @runtime-traits/conformance: one body of tests every runtime must pass, registered with mocha.
/**
 * `@runtime-traits/conformance`: `conformanceSuite({ name, create })` registers, with mocha, the cases every
 * runtime must pass.
 * @module index
 */
export { conformanceSuite, AREAS } from './suite.js';
export { TEST_CERT, TEST_KEY } from './fixtures/test-cert.js';
export { caseTitles } from './titles.js';

export type { ConformanceOptions, Case, Gate } from './harness.js';
export type { HostFeature } from './host.js';
export type { ConformanceReport } from './report.js';
