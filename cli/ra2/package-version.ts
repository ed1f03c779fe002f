/** The package's version: the plugin image's default tag and what `ra2 version` prints. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function packageVersion(): string {
  // dist/cli/ra2/ -> the package root, where package.json is in the repository and the image.
  const pkg = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    'package.json',
  );
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}
