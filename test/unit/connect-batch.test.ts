import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { CheckContext } from '../../helpers/framework/context.js';
import type { ExecResult } from '../../helpers/k8s/exec.js';
import { AGNHOST } from '../../helpers/probes/agnhost.js';
import { observeConnects, parseConnectBatch } from '../../helpers/probes/netexec.js';
import { NetworkPolicyJig, type MatrixEdge } from '../../helpers/probes/network-policy.js';

/**
 * A stand-in for agnhost connect on this machine: port 81 is refused, port 82
 * times out after a second (two lines of output), anything else connects.
 */
function fakeAgnhost(): string {
  const dir = mkdtempSync(join(tmpdir(), 'ra2-connect-'));
  const path = join(dir, 'agnhost');
  writeFileSync(
    path,
    [
      '#!/bin/sh',
      'case "$3" in',
      '  *:81) echo REFUSED >&2; exit 1;;',
      "  *:82) sleep 1; printf 'TIMEOUT\\nafter 1s\\n' >&2; exit 1;;",
      'esac',
      'exit 0',
    ].join('\n'),
  );
  chmodSync(path, 0o755);
  return path;
}

/** Pods whose exec runs the command here, with the stand-in where agnhost would be. */
function localShell(agnhost: string) {
  const calls: string[][] = [];
  return {
    calls,
    exec: (_pod: string, command: string[]): Promise<ExecResult> => {
      calls.push(command);
      const [file, ...args] = command.map((part) => part.replaceAll(AGNHOST, agnhost));
      return new Promise((resolve) => {
        execFile(file!, args, (err, stdout, stderr) =>
          resolve({ exitCode: err ? Number(err.code ?? -1) : 0, stdout, stderr }),
        );
      });
    },
  };
}

describe('connect batch: every target of a client in one exec', () => {
  it('reads each target’s line by index, whatever order the attempts ended in', () => {
    const report = parseConnectBatch(
      'ra2-connect 2 1 TIMEOUT after 3s\nra2-connect 0 0 \nnoise\nra2-connect 1 1 REFUSED\n',
    );
    expect([...report.keys()].sort()).to.deep.equal([0, 1, 2]);
    expect(report.get(0)).to.deep.equal({ exitCode: 0, output: '' });
    expect(report.get(2)).to.deep.equal({ exitCode: 1, output: 'TIMEOUT after 3s' });
  });

  it('runs the real shell: all targets at once, each outcome under its own target', async () => {
    const pods = localShell(fakeAgnhost());
    const attempts = await observeConnects(pods, 'client-a', [
      { host: 'fd00::1', port: 82 },
      { host: '10.0.0.1', port: 80 },
      { host: '10.0.0.1', port: 81 },
      { host: 'fd00::2', port: 82 },
    ]);
    expect(pods.calls).to.have.length(1);
    expect(attempts.map((a) => [a.target, a.outcome, a.detail])).to.deep.equal([
      ['[fd00::1]:82', 'blocked', 'TIMEOUT after 1s'],
      ['10.0.0.1:80', 'reached', ''],
      ['10.0.0.1:81', 'blocked', 'REFUSED'],
      ['[fd00::2]:82', 'blocked', 'TIMEOUT after 1s'],
    ]);
  });

  it('is not observed for a target without its line, and for all when the exec fails', async () => {
    const partial = {
      exec: (): Promise<ExecResult> =>
        Promise.resolve({ exitCode: 0, stderr: '', stdout: 'ra2-connect 1 0 \n' }),
    };
    const [first, second] = await observeConnects(partial, 'c', [
      { host: '10.0.0.1', port: 80 },
      { host: '10.0.0.2', port: 80 },
    ]);
    expect(first).to.include({ outcome: 'not-observed', exitCode: -1 });
    expect(first!.detail).to.match(/no line for this target/);
    expect(second).to.include({ outcome: 'reached' });

    const noShell = {
      exec: (): Promise<ExecResult> =>
        Promise.resolve({ exitCode: 127, stderr: 'sh: not found', stdout: '' }),
    };
    const unreported = await observeConnects(noShell, 'c', [{ host: '10.0.0.1', port: 80 }]);
    expect(unreported[0]).to.include({ outcome: 'not-observed' });
    expect(unreported[0]!.detail).to.equal('no attempt reported: sh: not found');

    const failing = { exec: (): Promise<ExecResult> => Promise.reject(new Error('EOF')) };
    const failed = await observeConnects(failing, 'c', [
      { host: '10.0.0.1', port: 80 },
      { host: '10.0.0.2', port: 80 },
    ]);
    expect(failed.map((a) => [a.outcome, a.detail])).to.deep.equal([
      ['not-observed', 'exec failed: EOF'],
      ['not-observed', 'exec failed: EOF'],
    ]);
  });

  it('makes one exec per client per pass, each edge keeping its own outcome', async () => {
    const pods = localShell(fakeAgnhost());
    const ctx = { timeouts: { exec: 10_000, pollInterval: 1 } } as unknown as CheckContext;
    const edge = (from: string, port: number): MatrixEdge => ({
      from,
      to: `s${port}`,
      host: '10.0.0.1',
      port,
      expectReachable: port === 80,
    });
    const edges = [edge('a', 80), edge('b', 81), edge('a', 81), edge('b', 80), edge('a', 82)];
    const attempts = await new NetworkPolicyJig(ctx, pods).observe(edges);
    expect(pods.calls).to.have.length(2);
    expect(attempts.map((a) => `${a.from} ${a.target} ${a.outcome}`)).to.deep.equal([
      'a 10.0.0.1:80 reached',
      'b 10.0.0.1:81 blocked',
      'a 10.0.0.1:81 blocked',
      'b 10.0.0.1:80 reached',
      'a 10.0.0.1:82 blocked',
    ]);
  });
});
