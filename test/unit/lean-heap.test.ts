/**
 * Both entry points set the heap's growing factor before they do any work
 * (cli/lean-heap.ts): without it, the runner's peak on the 1,000-node scale
 * bed was 330 MiB instead of 245 (docs/benchmarks.md). A preload in a child
 * process records every V8 flag the program sets.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

/** dist/test/unit/ -> the package root */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const recordV8Flags = `data:text/javascript,${encodeURIComponent(
  `import v8 from 'node:v8';
   import { syncBuiltinESMExports } from 'node:module';
   const set = v8.setFlagsFromString;
   v8.setFlagsFromString = (flags) => { process.stderr.write('v8 flags: ' + flags + '\\n'); set(flags); };
   syncBuiltinESMExports();`,
)}`;

function flagsSetBy(entry: string, args: string[]): string[] {
  const child = spawnSync(process.execPath, ['--import', recordV8Flags, entry, ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    // Outside a plugin pod the plugin's entry point stops at once: no results directory.
    env: { ...process.env, SONOBUOY_RESULTS_DIR: undefined },
  });
  return [...child.stderr.matchAll(/^v8 flags: (.*)$/gm)].map((m) => m[1]!);
}

describe('lean heap: the entry points limit how fast the heap grows', function () {
  this.timeout(90_000); // node processes loading the whole program on a busy machine
  it('ra2 sets --heap-growing-percent=20', () => {
    expect(flagsSetBy('dist/cli/ra2/main.js', ['list'])).to.deep.equal([
      '--heap-growing-percent=20',
    ]);
  });
  it('the Sonobuoy plugin sets it too, before it reads its settings', () => {
    expect(flagsSetBy('dist/cli/sonobuoy/main.js', [])).to.include('--heap-growing-percent=20');
  });
});
