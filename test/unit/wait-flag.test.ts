/**
 * `ra2 run --wait <wait>=<duration>`: the CLI's way to set one wait of
 * helpers/framework/timeouts.ts, as the plugin does with RA2_TIMEOUT_<NAME>.
 * The value must reach every check's context, and nothing else may change.
 */
import { expect } from 'chai';
import { run } from '../../cli/ra2/run.js';
import { defineSuite } from '../../helpers/framework/registry.js';
import { pass } from '../../helpers/framework/result.js';
import {
  settingNamed,
  settingsFromEnv,
  WAIT_SETTINGS,
  waitFlagName,
} from '../../helpers/framework/settings.js';
import { defaultTimeouts, type Timeouts } from '../../helpers/framework/timeouts.js';
import { fakeRunOptions } from './fake-run.js';
import { capture } from './fixtures.js';

/** Runs `ra2 run` with these flags on a one-check fake suite; the timeouts its context got. */
async function timeoutsSeenWith(flags: string[]): Promise<{ code: number; seen?: Timeouts }> {
  let seen: Timeouts | undefined;
  const suite = defineSuite('kubernetes', (spec) =>
    spec('ra2.k8s.001', { kind: 'probe', observes: 'its context' }, (ctx) => {
      seen = ctx.timeouts;
      return Promise.resolve(pass('fine'));
    }),
  );
  const io = capture();
  const code = await run(['run', '--profile', 'basic', ...flags], io.streams, {
    runOptions: fakeRunOptions(suite),
  });
  return { code, seen };
}

describe('ra2 run --wait', () => {
  it('names each wait the way the plugin key does, kebab-cased, and leaves the check limit to --timeout', () => {
    expect(waitFlagName('loadBalancer')).to.equal('load-balancer');
    expect(WAIT_SETTINGS.map((w) => w.env)).to.include('RA2_TIMEOUT_LOAD_BALANCER');
    const settable = settingNamed('waits').parse(
      WAIT_SETTINGS.map((w) => `${waitFlagName(w.wait)}=7s`).join(','),
    );
    expect(settable.map(([wait]) => wait)).to.deep.equal(WAIT_SETTINGS.map((w) => w.wait));
    expect(() => settingNamed('waits').parse('check=1m')).to.throw(/not <wait>=<duration>/);
  });

  it('hands the waits given to every check, the others at their defaults', async () => {
    const { code, seen } = await timeoutsSeenWith([
      '--wait',
      'load-balancer=20s',
      '--wait',
      'pod-start=5m,exec=45s',
    ]);
    expect(code).to.equal(0);
    expect(seen).to.deep.equal({
      ...defaultTimeouts,
      loadBalancer: 20_000,
      podStart: 300_000,
      exec: 45_000,
    });
  });

  it('changes nothing when not given', async () => {
    const { seen } = await timeoutsSeenWith([]);
    expect(seen).to.deep.equal(defaultTimeouts);
  });

  it('refuses an unknown wait or a bad duration in one line, exit 2', async () => {
    for (const value of ['load-balancr=20s', 'load-balancer=soon', 'load-balancer']) {
      const io = capture();
      expect(await run(['run', '--wait', value], io.streams), value).to.equal(2);
      expect(io.err.join(''), value).to.match(/^ra2: [^\n]+\n$/);
    }
  });

  it('is not a plugin key: the plugin sets waits with RA2_TIMEOUT_<NAME>', () => {
    expect(settingNamed('waits').env).to.equal(undefined);
    const { settings, timeouts } = settingsFromEnv({ RA2_TIMEOUT_LOAD_BALANCER: '20s' });
    expect(timeouts).to.deep.equal({ loadBalancer: 20_000 });
    expect(settings.waits).to.deep.equal([]);
  });
});
