#!/usr/bin/env node
// Runs the compiled CLI (npm run build, done by npm install's prepare step).
import { runCli } from '../dist/cli/main.js';

await runCli(process.argv);
