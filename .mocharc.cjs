// Mocha settings for every workspace: each runs its compiled tests from its own folder (mocha finds this file upward).
const path = require('node:path');

module.exports = {
  spec: ['dist/test/**/*.test.js'],
  reporter: path.join(__dirname, 'scripts', 'mocha-reporter.cjs'),
  timeout: 30000,
  // A leaked handle is tested for explicitly (child processes that must exit by themselves);
  // here it must not hang the whole run.
  exit: true,
};
