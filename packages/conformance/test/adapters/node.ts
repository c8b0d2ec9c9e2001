// The unbroken reference: NodeRuntime as a CLI module (default export = create).
import type { RuntimeOptions } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';

export const name = 'node';
export default function create(options?: RuntimeOptions): Promise<NodeRuntime> {
  return NodeRuntime.create(options);
}
