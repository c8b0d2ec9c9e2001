// Inversify wiring: runtimeModule(runtime) and loadRuntime(name). (being built)
export {};
