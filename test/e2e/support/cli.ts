/**
 * Runs the real CLI, `node dist/cli/ra2/main.js`, as a child process and captures
 * its exit code, signal, stdout and stderr. No part of the suite runs in the
 * test's own process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/e2e/support/cli.js -> dist/cli/ra2/main.js */
export const cliPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'cli',
  'ra2',
  'main.js',
);

/**
 * Flags for a run on a bed with no load-balancer implementation (basic, alpha-api, ha).
 * There ra2.k8s.015 waits out its 90 s for an address nothing will assign, and that wait
 * is the run's critical path; 20 s gives the same verdict, which expectations/ pins (the
 * failure names the wait it gave). The default wait runs on the network-intensive bed,
 * whose load balancer answers within it.
 */
export const NO_LOAD_BALANCER_WAIT: readonly string[] = ['--wait', 'load-balancer=20s'];

export interface CliResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves when the process has exited (or rejects after timeoutMs, killing it). */
  exited: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
}

/** Starts `ra2 <args>`; the caller decides when to signal it. */
export function spawnCli(args: readonly string[], timeoutMs: number): CliProcess {
  const started = Date.now();
  const child = spawn(process.execPath, [cliPath, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `ra2 ${args.join(' ')} did not exit within ${timeoutMs / 1000}s; stderr so far: ${stderr.slice(-2000)}`,
        ),
      );
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      resolve({ exitCode, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

/** Runs `ra2 <args>` to completion. */
export function runCli(args: readonly string[], timeoutMs: number): Promise<CliResult> {
  return spawnCli(args, timeoutMs).exited;
}

/** A fresh directory for one test's output files. */
export function outputDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `ra2-e2e-${prefix}-`));
}

/** Non-empty lines of a stream. */
export function lines(text: string): string[] {
  return text.split('\n').filter((line) => line.trim() !== '');
}

/** For assertion messages: what the CLI said. */
export function describeResult(result: CliResult): string {
  return `exit ${result.exitCode} signal ${result.signal}\n--- stderr ---\n${result.stderr.slice(-3000)}\n--- stdout (tail) ---\n${result.stdout.slice(-3000)}`;
}

/** The run id the console reporter prints first ("RA2 conformance run <id>: ..."), if printed yet. */
export function printedRunId(stdout: string): string | undefined {
  return /^RA2 conformance run (\S+):/m.exec(stdout)?.[1];
}
