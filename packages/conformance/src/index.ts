// The adapter conformance suite (mocha) and its CLI. (being built)
export {};
