// The page's module: runs the local runtime's conformance suite under mocha's browser build and leaves the report on window.
import { runConformance } from '@runtime-traits/conformance/browser';
import { LocalRuntime } from '@runtime-traits/local';

window.conformance = runConformance({ name: 'local', create: (options) => LocalRuntime.create({ ...options, seed: 1 }) })
  .then((report) => ({ ...report, crossOriginIsolated: globalThis.crossOriginIsolated === true }));
