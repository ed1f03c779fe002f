/**
 * The package's root: the nearest directory above a module that holds the
 * package's own package.json. Compiled (dist/catalog/), bundled into the
 * plugin image (dist/cli/ra2/main.js) or in a chunk, the depth of the module
 * differs and the root does not; package.json, catalog/releases/ and the
 * release data are read from there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_NAME = 'ra2-conformance';

function isOurPackage(file: string): boolean {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}

/** The nearest of `dir` and its ancestors holding our package.json; undefined when none does. */
export function packageRootFrom(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (isOurPackage(path.join(current, 'package.json'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

const root = packageRootFrom(path.dirname(fileURLToPath(import.meta.url)));

/** The root this module was loaded from (see packageRootFrom). */
export function packageRoot(): string | undefined {
  return root;
}
