import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';

const main = path.resolve(import.meta.dirname, '..', '..', 'cli', 'ra2', 'main.js');

describe('ra2 with a reader that stops early (ra2 list | head -1)', () => {
  it('ends with exit 0 and no stack trace when the pipe closes', async () => {
    const child = spawn(process.execPath, [main, 'list'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // Read the first chunk, then close our end, as head does after its line.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
  });
});
