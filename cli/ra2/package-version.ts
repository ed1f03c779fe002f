/** The package's version: the plugin image's default tag and what `ra2 version` prints. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../catalog/package-root.js';

export function packageVersion(): string {
  const root = packageRoot();
  if (!root) throw new Error("cannot find the package's package.json above this module");
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string })
    .version;
}
