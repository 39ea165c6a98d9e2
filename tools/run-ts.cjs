#!/usr/bin/env node
// Runs a TypeScript entry point with swc (decorator metadata + tsconfig paths), so commands, benchmarks and
// worker threads share one loader without a separate build step.
'use strict';
const path = require('node:path');
process.env.SWC_NODE_PROJECT ??= path.join(__dirname, '..', 'tsconfig.json');
require('@swc-node/register');
const [entry, ...rest] = process.argv.slice(2);
if (!entry) {
  console.error('usage: run-ts <entry.ts> [args...]');
  process.exit(2);
}
process.argv = [process.argv[0], path.resolve(entry), ...rest];
require(path.resolve(entry));
