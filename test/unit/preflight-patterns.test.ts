/** A --focus or --skip pattern that matches no row is a usage error, before anything runs. */
import { expect } from 'chai';
import { UsageError } from '../../helpers/k8s/errors.js';
import { requireMatches, unmatchedPatterns } from '../../helpers/framework/selection.js';
import { runSuite } from '../../helpers/framework/runner.js';
import { fakeRunOptions, fakeSuite } from './fake-run.js';

const ids = ['ra2.ch.001', 'ra2.k8s.012a', 'ra2.ntw.003'];

describe('focus and skip patterns that match nothing', () => {
  it('finds the patterns that match no id', () => {
    expect(unmatchedPatterns(ids, ['ra2.ntw.*', 'nothing.matches', 'ra2.k8s.012?'])).to.deep.equal([
      'nothing.matches',
    ]);
  });

  it('accepts patterns that each match some row', () => {
    expect(() => requireMatches(ids, { focus: ['ra2.*'], skip: ['ra2.ch.001'] })).to.not.throw();
    expect(() => requireMatches(ids, { focus: [], skip: [] })).to.not.throw();
  });

  it('refuses a focus or skip pattern that matches no row, in one line naming each', () => {
    expect(() => requireMatches(ids, { focus: ['nothing.matches'], skip: [] })).to.throw(
      UsageError,
      /^--focus "nothing\.matches" matches no row/,
    );
    expect(() => requireMatches(ids, { focus: ['ra2.ch.*'], skip: ['ra2.typo.*'] })).to.throw(
      UsageError,
      /^--skip "ra2\.typo\.\*" matches no row/,
    );
    try {
      requireMatches(ids, { focus: ['a'], skip: ['b'] });
      expect.fail('should have thrown');
    } catch (err) {
      expect((err as Error).message).to.match(/^--focus "a", --skip "b" match no row/);
      expect((err as Error).message).to.not.contain('\n');
    }
  });

  it('stops a run before it connects', async () => {
    let connected = false;
    const options = fakeRunOptions(fakeSuite(-1));
    const err = await runSuite({
      ...options,
      connectCluster: (o) => {
        connected = true;
        return options.connectCluster?.(o) as ReturnType<
          NonNullable<typeof options.connectCluster>
        >;
      },
      focus: ['nothing.matches'],
    }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UsageError);
    expect(connected).to.equal(false);
  });
});
