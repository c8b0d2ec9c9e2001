// Mocha reporter: the spec reporter's output, plus the run's counts saved for scripts/test.mjs to add up.
const fs = require('node:fs');
const path = require('node:path');
const { reporters } = require('mocha');

const resultsDir = path.join(__dirname, '..', '.test-results');

class CountingSpecReporter extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), 'package.json'), 'utf8'));
      const { passes, failures, pending, tests } = this.stats;
      fs.mkdirSync(resultsDir, { recursive: true });
      const file = path.join(resultsDir, `${pkg.name.replace(/[@/]/g, '_')}.json`);
      fs.writeFileSync(file, JSON.stringify({ package: pkg.name, passes, failures, pending, tests }));
    });
  }
}

module.exports = CountingSpecReporter;
