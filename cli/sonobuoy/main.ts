#!/usr/bin/env node
// The Sonobuoy plugin's command (sonobuoy/ra2.yaml): only wiring. Everything
// testable lives in runPlugin(). process.exit, not exitCode: after a deadline
// or a signal the runner may still hold sockets open, and the pod must end.
import '../lean-heap.js';
import { runPlugin } from './plugin.js';

process.exit(
  await runPlugin(process.env, {
    stdout: process.stdout,
    stderr: process.stderr,
  }),
);
