#!/usr/bin/env node
// Sums Jest's JSON reports and the gate files of scripts/test.sh into the closing line CI reads.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const dir = process.argv[2];
let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];
for (const f of fs.readdirSync(dir).sort()) {
  const r = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  if (f.startsWith('gate-')) {
    if (r.ok) passed++;
    else (failed++, failures.push(`${r.name} (gate)`));
    continue;
  }
  passed += r.numPassedTests;
  failed += r.numFailedTests;
  skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  for (const s of r.testResults) {
    for (const a of s.assertionResults) if (a.status === 'failed') failures.push(a.fullName);
    // A suite that fails to load has no assertion results; count it so it can't pass silently.
    if (s.status === 'failed' && s.assertionResults.length === 0) {
      failed++;
      failures.push(`${path.relative(process.cwd(), s.name)} (suite failed to run)`);
    }
  }
}
for (const f of failures) console.log(`FAILED: ${f}`);
if (passed + failed === 0) {
  console.log('0 passed, 1 failed');
  console.log('no tests ran');
  process.exit(1);
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
