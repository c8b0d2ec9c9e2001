// A conformance adapter module as the CLI takes it: its default export is create(options), returning a fresh, started runtime.
// Run it with: npx runtime-traits-conformance @runtime-traits/conformance/examples/node-adapter.js
// (it needs @runtime-traits/node installed beside the suite).
import { NodeRuntime } from '@runtime-traits/node';

export const name = 'node';
export default (options) => NodeRuntime.create(options);
