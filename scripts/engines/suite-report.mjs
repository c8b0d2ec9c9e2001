// Turns npm test's closing line (read from stdin) into a CI leg report: { leg, passes, failures, pending }.
// usage: npm test | node scripts/engines/suite-report.mjs <leg> <report.json>
import { readFileSync, writeFileSync } from 'node:fs';

const [leg, out] = process.argv.slice(2);
const lines = readFileSync(0, 'utf8').trim().split('\n');
const closing = lines.map((line) => /^(\d+) passed, (\d+) failed, (\d+) skipped$/.exec(line.trim())).filter(Boolean).pop();
const report = closing
  ? { leg: `whole suite on ${leg}`, passes: +closing[1], failures: +closing[2], pending: +closing[3] }
  : { leg: `whole suite on ${leg}`, passes: 0, failures: 1, pending: 0, failed: [{ title: 'npm test', error: 'no closing count: the run crashed' }] };
writeFileSync(out, JSON.stringify(report, null, 2));
