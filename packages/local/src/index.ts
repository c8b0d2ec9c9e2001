// Single-threaded deterministic runtime: virtual clock, simulated network with faults, seeds that replay. (being built)
export {};
