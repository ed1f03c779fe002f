import { expect } from 'chai';
import type { Verdict } from '../../helpers/framework/result.js';
import { parseKeyValues } from '../../helpers/probes/key-value.js';
import {
  judgeEphemeralStorage,
  judgePersistence,
  judgeSharedVolume,
} from '../../suites/rules/storage-probes.js';

const written = 'sum1=' + 'a'.repeat(64);
const goodEphemeral = [
  'rootfs=overlay',
  'written=16777216',
  written,
  'sum2=' + 'a'.repeat(64),
  'exec=ok',
];
const ephemeral = (lines: string[], stderr = '') =>
  judgeEphemeralStorage({ node: 'w1', fields: parseKeyValues(lines.join('\n')), stderr });

const failedText = (v: Verdict) => (v.status === 'failed' ? v.observed : JSON.stringify(v));

describe('ra2.stg.001 ephemeral storage (suites/rules/storage-probes.ts)', () => {
  it('passes a container that wrote, read back and executed from its root filesystem (green)', () => {
    const verdict = ephemeral(goodEphemeral);
    expect(verdict.status, JSON.stringify(verdict)).to.equal('passed');
    expect(verdict.status === 'passed' && verdict.summary).to.include(
      'overlay root filesystem on w1',
    );
  });

  it('fails a root filesystem mounted noexec: the copied binary does not run (red)', () => {
    const verdict = ephemeral(
      goodEphemeral.map((l) => (l === 'exec=ok' ? 'exec=failed' : l)),
      'sh: /tmp/exe/sh: Permission denied',
    );
    expect(verdict.status).to.equal('failed');
    expect(failedText(verdict)).to.equal(
      'running a binary copied to the root filesystem: failed (on w1; stderr: sh: /tmp/exe/sh: Permission denied)',
    );
  });

  it('fails a root filesystem that is full, or hands back other bytes than were written (red)', () => {
    const full = ephemeral(
      ['rootfs=overlay', 'written=4194304', written, 'sum2=' + 'b'.repeat(64), 'exec=ok'],
      'head: write error: No space left on device',
    );
    expect(full.status).to.equal('failed');
    expect(failedText(full)).to.match(
      /^wrote 4194304 bytes of 16777216; read back checksum b{64}, wrote a{64}/,
    );
    expect(failedText(full)).to.include('No space left on device');
    // A probe that printed nothing (the exec died) is not a pass either.
    expect(failedText(ephemeral([]))).to.match(/^wrote no bytes .*; no checksum .*: no answer/);
  });
});

describe('ra2.stg.002 a volume attached to two containers (suites/rules/storage-probes.ts)', () => {
  it('passes when the reader reads the token the writer put in the shared volume (green)', () => {
    const verdict = judgeSharedVolume({
      token: 'shared-x',
      writerExitCode: 0,
      read: { stdout: 'shared-x\n', stderr: '' },
    });
    expect(verdict.status).to.equal('passed');
  });

  it('fails when the second container does not see what the first wrote (red)', () => {
    const verdict = judgeSharedVolume({
      token: 'shared-x',
      writerExitCode: 0,
      read: { stdout: '', stderr: "cat: can't open '/data/token': No such file or directory" },
    });
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'the reader container to read "shared-x" from the shared volume',
      observed: "read \"\" cat: can't open '/data/token': No such file or directory",
    });
  });
});

describe('ra2.stg.004 persistent volumes (suites/rules/storage-probes.ts)', () => {
  it('passes when a second pod reads back the bytes the deleted pod wrote (green)', () => {
    const verdict = judgePersistence({
      written: 'abc',
      read: 'abc',
      writerNode: 'w1',
      readerNode: 'w2',
      volume: 'pvc-1 (csi:ebs.csi.aws.com)',
    });
    expect(verdict.status).to.equal('passed');
    expect(verdict.evidence).to.deep.equal({
      volume: 'pvc-1 (csi:ebs.csi.aws.com)',
      writer: 'w1: sha256 abc',
      reader: 'w2: sha256 abc',
    });
  });

  it('fails a volume that did not outlive the pod that wrote it (red)', () => {
    const lost = judgePersistence({
      written: 'abc',
      read: '',
      writerNode: 'w1',
      readerNode: 'w2',
      volume: 'pvc-1 (hostPath)',
    });
    expect(lost).to.deep.include({ status: 'failed', observed: 'wrote abc, read (nothing)' });
    expect(judgePersistence({ written: '', read: '', volume: 'x' })).to.deep.include({
      status: 'failed',
      observed: 'wrote (nothing), read (nothing)',
    });
  });
});
