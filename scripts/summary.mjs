// Prints "NAME: N passed, M failed" from a Playwright or Vitest JSON report,
// the line CI reads (neither runner prints that form itself).
import { readFileSync } from 'node:fs';

const [name, file] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const r = JSON.parse(readFileSync(file, 'utf8'));
  if (r.stats && 'expected' in r.stats) {
    // Playwright
    passed = r.stats.expected + (r.stats.flaky ?? 0);
    failed = r.stats.unexpected;
    skipped = r.stats.skipped ?? 0;
  } else {
    // Vitest (Jest-compatible)
    passed = r.numPassedTests ?? 0;
    failed = (r.numFailedTests ?? 0) + (r.numFailedTestSuites ?? 0);
    skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  }
} catch (e) {
  console.log(`${name}: 0 passed, 1 failed`);
  console.error(`no report at ${file}: ${e.message}`);
  process.exit(0);
}
console.log(`${name}: ${passed} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : ''));
