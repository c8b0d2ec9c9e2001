// Cross-package tests: every runtime through the conformance suite, DI wiring, examples end to end. (being built)
export {};
