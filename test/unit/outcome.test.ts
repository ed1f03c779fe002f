import { expect } from 'chai';
import {
  countResults,
  exitCodeFor,
  isBlocking,
  summariseBySection,
} from '../../helpers/framework/result.js';
import { result } from './fixtures.js';

describe('levels and exit codes', () => {
  it('exits 0 when every must-level check passed or was skipped', () => {
    expect(
      exitCodeFor([
        result('ra2.k8s.013', 'passed'),
        result('ra2.k8s.014', 'skipped'),
        result('ra2.k8s.015', 'not-implemented'),
      ]),
    ).to.equal(0);
  });

  it('exits 1 on a must-level failure or error', () => {
    expect(exitCodeFor([result('ra2.k8s.013', 'failed')])).to.equal(1);
    expect(exitCodeFor([result('ra2.k8s.013', 'error')])).to.equal(1);
  });

  it('shows but does not fail on should- and may-level failures', () => {
    const shouldFailure = result('ra2.k8s.017', 'failed'); // "should support NodePort"
    const mayFailure = result('ra2.ntw.005', 'failed');
    expect(shouldFailure.row.level).to.equal('should');
    expect(isBlocking(shouldFailure)).to.equal(false);
    expect(exitCodeFor([shouldFailure, mayFailure])).to.equal(0);
  });

  it('counts per status and per section', () => {
    const results = [
      result('ra2.k8s.013', 'passed'),
      result('ra2.k8s.014', 'not-implemented'),
      result('ra2.k8s.017', 'failed'),
    ];
    expect(countResults(results)).to.deep.equal({
      passed: 1,
      failed: 1,
      skipped: 0,
      'not-implemented': 1,
      error: 0,
    });
    const [kubernetes] = summariseBySection(results);
    expect(kubernetes?.section).to.equal('kubernetes');
    expect(kubernetes?.counts['not-implemented']).to.equal(1);
  });
});
