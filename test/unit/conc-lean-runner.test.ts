/**
 * A normal run never loads dockerode: only the kind-only disruptive probe
 * (helpers/probes/kind-nodes.ts) needs the Docker API, and it imports the
 * client on first use. A resolve hook in a child process records whether
 * anything asked for the module.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/** dist/test/unit/ -> the package root */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const recordDockerode = `data:text/javascript,${encodeURIComponent(
  `import { registerHooks } from 'node:module';
   registerHooks({ resolve(specifier, context, next) {
     if (specifier === 'dockerode') process.stderr.write('resolved dockerode\\n');
     return next(specifier, context);
   } });`,
)}`;

function nodeWithHook(args: string[]): { stderr: string; status: number | null } {
  const child = spawnSync(process.execPath, ['--import', recordDockerode, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { stderr: child.stderr, status: child.status };
}

describe('conc: a lean runner', function () {
  this.timeout(90_000); // two node processes loading the whole program on a busy machine
  it('loads every suite and the runner without dockerode', () => {
    const { stderr, status } = nodeWithHook([
      '--input-type=module',
      '-e',
      `await import('./dist/suites/index.js'); await import('./dist/helpers/framework/runner.js'); await import('./dist/cli/ra2/run.js'); await import('./dist/cli/sonobuoy/plugin.js');`,
    ]);
    expect(status, stderr).to.equal(0);
    expect(stderr).not.to.contain('resolved dockerode');
  });

  it('loads it when the kind node jig is first used', () => {
    const { stderr, status } = nodeWithHook([
      '--input-type=module',
      '-e',
      `const { KindNodeJig } = await import('./dist/helpers/probes/kind-nodes.js');
       await new KindNodeJig().isRunning('ra2-no-such-container').catch(() => undefined);`,
    ]);
    expect(status, stderr).to.equal(0);
    expect(stderr).to.contain('resolved dockerode');
  });
});
