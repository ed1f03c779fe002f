#!/usr/bin/env node
// The `ra2` binary: only wiring. Everything testable lives in run().
import { run } from './run.js';

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
