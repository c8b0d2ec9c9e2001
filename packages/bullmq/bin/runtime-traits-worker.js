#!/usr/bin/env node
// The runtime-traits-worker command: a committed file (npm links a bin only if it exists at install time) that runs the built CLI.
import '../dist/src/worker/cli.js';
