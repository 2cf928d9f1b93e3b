// Prints `N passed, M failed` from vitest's JSON results, so a run that executed nothing shows it.
import fs from 'node:fs';

const file = process.argv[2] ?? '.vitest-results.json';
if (!fs.existsSync(file)) {
  console.log(`no test results (${file} missing: the test runner did not run)`);
  console.log('0 passed, 0 failed');
  process.exit(0);
}
const results = JSON.parse(fs.readFileSync(file, 'utf8'));
console.log(`${results.numPassedTests} passed, ${results.numFailedTests} failed`);
