// node-compat's tests: the shared settings; the real servers (redis, PostgreSQL) are started by the tests themselves.
const base = require('../../.mocharc.cjs');

module.exports = { ...base, timeout: 60000 };
