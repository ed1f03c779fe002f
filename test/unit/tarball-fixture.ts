/** Tarballs for the tests of the tar reader and `ra2 results`, made by the system's tar. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** A gzip'd tar of FILES (path -> content) made by the system's tar in FORMAT. */
export function systemTarball(
  dir: string,
  files: Record<string, string>,
  format = 'gnu',
  top = 'plugins',
): Buffer {
  const root = path.join(dir, 'root');
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), content);
  }
  const out = path.join(dir, `archive-${format}.tar.gz`);
  execFileSync('tar', [`--format=${format}`, '-czf', out, '-C', root, top]);
  return readFileSync(out);
}
