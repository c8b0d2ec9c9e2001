// Cross-package tests: compiled from test/**/*.ts straight into dist/.
const base = require('../.mocharc.cjs');

module.exports = { ...base, spec: ['dist/**/*.test.js'] };
