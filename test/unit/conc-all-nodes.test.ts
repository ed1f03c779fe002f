/**
 * --all-nodes / RA2_ALL_NODES: one setting, read the same way by the CLI and
 * the plugin, and handed by the runner to every check's context.
 */
import { expect } from 'chai';
import { defineSuite } from '../../helpers/framework/registry.js';
import { pass } from '../../helpers/framework/result.js';
import { runSuite } from '../../helpers/framework/runner.js';
import { runOptionsFrom, settingNamed, settingsFromEnv } from '../../helpers/framework/settings.js';
import { fakeRunOptions, FAKE_ROWS } from './fake-run.js';

/** A suite of probe checks that record what their context says about allNodes. */
function recordingSuite(seen: Map<string, boolean>) {
  return defineSuite('kubernetes', (spec) => {
    for (const id of FAKE_ROWS)
      spec(id, { kind: 'probe', observes: `the fake observation of ${id}` }, (ctx) => {
        seen.set(id, ctx.allNodes);
        return Promise.resolve(pass('fine'));
      });
  });
}

describe('conc: --all-nodes', () => {
  it('is off by default and RA2_ALL_NODES=true turns it on', () => {
    expect(settingNamed('allNodes').default).to.equal(false);
    expect(settingNamed('allNodes').flag).to.equal('--all-nodes');
    expect(settingsFromEnv({}).settings.allNodes).to.equal(false);
    const given = settingsFromEnv({ RA2_ALL_NODES: 'true' });
    expect(given.problems).to.deep.equal([]);
    expect(runOptionsFrom(given.settings).allNodes).to.equal(true);
    expect(settingsFromEnv({ RA2_ALL_NODES: 'every' }).problems).to.have.length(1);
  });

  for (const allNodes of [false, true]) {
    it(`reaches every check's context as ${allNodes}`, async () => {
      const seen = new Map<string, boolean>();
      await runSuite({ ...fakeRunOptions(recordingSuite(seen)), profile: 'basic', allNodes });
      expect([...seen.keys()]).to.have.members(FAKE_ROWS);
      expect([...seen.values()].every((value) => value === allNodes)).to.equal(true);
    });
  }
});
