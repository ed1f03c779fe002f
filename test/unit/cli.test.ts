import { expect } from 'chai';
import { run } from '../../cli/ra2/run.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    streams: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
    },
    out,
    err,
  };
}

describe('ra2 CLI', () => {
  it('lists every catalog row with kind and level', async () => {
    const io = capture();
    expect(await run(['list'], io.streams)).to.equal(0);
    const lines = io.out.join('').trim().split('\n');
    expect(lines).to.have.length(73);
    expect(lines).to.include('[ra2.k8s.013] Kubernetes APIs [MUST]\tinspect');
  });

  it('prints the version', async () => {
    const io = capture();
    expect(await run(['version'], io.streams)).to.equal(0);
    expect(io.out.join('')).to.match(/^ra2-conformance \d+\.\d+\.\d+/);
  });

  it('exits 2 with one line for bad input', async () => {
    for (const argv of [
      ['run', '--kubeconfig', '/nonexistent/kubeconfig'],
      ['run', '--profile', 'huge'],
      ['run', '--bogus'],
      ['run', '--release', 'nope'],
      ['run', '--timeout', 'soon'],
    ]) {
      const io = capture();
      expect(await run(argv, io.streams), argv.join(' ')).to.equal(2);
      const text = io.err.join('');
      expect(text, argv.join(' ')).to.match(/^ra2: .+\n$/);
      expect(text.trim().split('\n'), argv.join(' ')).to.have.length(1);
    }
  });

  it('runs attest-only selections without a cluster and exits 0 on honest skips', async () => {
    const io = capture();
    const code = await run(
      [
        'run',
        '--profile',
        'basic',
        '--focus',
        'ra2.ch.004,ra2.ntw.008,ra2.ntw.010,ra2.ntw.012,ra2.app.008',
        '--kubeconfig',
        '/nonexistent/kubeconfig',
      ],
      io.streams,
    );
    expect(code).to.equal(0);
    expect(io.out.join(''))
      .to.contain('[ra2.ch.004]')
      .and.to.contain('disruptive; pass --disruptive')
      .and.to.match(/0 passed, 0 failed, 5 skipped/);
  });
});
