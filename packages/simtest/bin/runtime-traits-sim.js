#!/usr/bin/env node
// The runtime-traits-sim command: runs the built CLI (npm links this file at install time; the CLI itself is built by `npm run build`).
import '../dist/src/cli/main.js';
