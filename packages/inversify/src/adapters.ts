// The runtimes loadRuntime knows: which package to import for a name, and which class it exports.

export interface AdapterEntry {
  /** The npm package that holds the adapter. */
  readonly packageName: string;
  /** The exported class with a static `create(opts)`. */
  readonly exportName: string;
}

export const ADAPTERS = {
  node: { packageName: '@runtime-traits/node', exportName: 'NodeRuntime' },
  local: { packageName: '@runtime-traits/local', exportName: 'LocalRuntime' },
  worksteal: { packageName: '@runtime-traits/worksteal', exportName: 'WorkStealingRuntime' },
} as const satisfies Record<string, AdapterEntry>;

/** A runtime `loadRuntime` can load by name: `'node'`, `'local'` or `'worksteal'`. */
export type RuntimeName = keyof typeof ADAPTERS;

/** Every name `loadRuntime` accepts, for validating configuration or listing choices. */
export const RUNTIME_NAMES = Object.keys(ADAPTERS) as readonly RuntimeName[];

export function isRuntimeName(value: unknown): value is RuntimeName {
  return typeof value === 'string' && Object.hasOwn(ADAPTERS, value);
}
