// A CLI module (default export = create) serving NodeRuntime with the fault named by CONFORMANCE_FAULT planted in it.
import type { Runtime, RuntimeOptions } from '@runtime-traits/core';
import { NodeRuntime } from '@runtime-traits/node';
import { FAULTS } from './faults.js';
import { wrapRuntime } from './wrap.js';

const faultName = process.env.CONFORMANCE_FAULT ?? 'none';
const fault = FAULTS[faultName];
if (!fault) throw new Error(`unknown CONFORMANCE_FAULT ${faultName}; known: ${Object.keys(FAULTS).join(', ')}`);

export const name = `node+${faultName}`;
export default async function create(options?: RuntimeOptions): Promise<Runtime> {
  const inner = await NodeRuntime.create(fault!.options ? fault!.options(options) : options);
  return wrapRuntime(inner, fault!);
}
