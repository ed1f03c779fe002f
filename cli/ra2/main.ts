#!/usr/bin/env node
// The `ra2` binary: only wiring. Everything testable lives in run().
import '../lean-heap.js';
import { run } from './run.js';

// A reader that stops early (`ra2 list | head`) closes the pipe: what is left to
// print has no reader, and the command still ends as it would (a run cleans up).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
});
