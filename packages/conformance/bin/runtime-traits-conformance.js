#!/usr/bin/env node
// The runtime-traits-conformance command: a committed file (npm links a bin only if it exists at install time) that runs the built CLI.
import '../dist/src/cli.js';
