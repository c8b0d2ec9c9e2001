// The conformance suite against the Node runtime.
import { conformanceSuite } from '@runtime-traits/conformance';
import { NodeRuntime } from '@runtime-traits/node';

conformanceSuite({ name: 'node', create: (options) => NodeRuntime.create(options) });
