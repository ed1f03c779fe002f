import { expect } from 'chai';
import { run } from '../../cli/ra2/run.js';
import { defineSuite } from '../../helpers/framework/registry.js';
import { pass } from '../../helpers/framework/result.js';
import { capture } from './fixtures.js';

describe('ra2 CLI', () => {
  it('lists every catalog row with kind and level', async () => {
    const io = capture();
    expect(await run(['list'], io.streams)).to.equal(0);
    const rows = io.out
      .join('')
      .trim()
      .split('\n')
      .filter((line) => line.startsWith('['));
    expect(rows).to.have.length(73);
    expect(rows).to.include('[ra2.k8s.013] Kubernetes APIs [MUST]\tinspect');
  });

  it('shows under a row what its check observes, when it says', async () => {
    const io = capture();
    const suite = defineSuite('kubernetes', (spec) => {
      spec('ra2.k8s.001', { kind: 'inspect', observes: 'the API server version' }, () =>
        Promise.resolve(pass('fine')),
      );
      spec('ra2.k8s.002', { kind: 'attest' });
    });
    expect(await run(['list'], io.streams, { runOptions: { suites: [suite] } })).to.equal(0);
    expect(io.out.join('').trim().split('\n')).to.deep.equal([
      '[ra2.k8s.001] Kubernetes Conformance [MUST]\tinspect',
      '  observes: the API server version',
      '[ra2.k8s.002] Highly available etcd [MUST]\tattest',
    ]);
  });

  it("reads --timeout with the plugin's duration grammar", async () => {
    for (const timeout of ['90', '90s', '1m30s', '2h', '500ms']) {
      const io = capture();
      const code = await run(
        ['run', '--profile', 'basic', '--focus', 'ra2.k8s.001', '--timeout', timeout],
        io.streams,
      );
      expect(code, timeout).to.equal(3); // ra2.k8s.001 without an attestation: incomplete
    }
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

  it('runs attest-only selections without a cluster and exits 3 (incomplete) on honest skips', async () => {
    const io = capture();
    const code = await run(
      [
        'run',
        '--profile',
        'basic',
        '--focus',
        'ra2.k8s.001,ra2.ntw.008,ra2.ntw.010,ra2.ntw.012,ra2.app.008',
        '--kubeconfig',
        '/nonexistent/kubeconfig',
      ],
      io.streams,
    );
    expect(code).to.equal(3);
    expect(io.out.join(''))
      .to.contain('[ra2.k8s.001]')
      .and.to.contain('disruptive; pass --disruptive')
      .and.to.match(/0 passed, 0 failed, 5 skipped/)
      .and.to.match(/0 verified, 0 attested, 0 failed, 3 not applicable, 2 not observed/)
      .and.to.match(/MUST rows not observed:\n {2}ra2\.k8s\.001: not observable/)
      .and.to.match(/Outcome: incomplete \(exit 3\)[^\n]*\n$/);
  });
});
