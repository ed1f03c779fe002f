#!/usr/bin/env node
// The plugin image's program: the two entry points (the `ra2` CLI and the Sonobuoy plugin command)
// bundled from dist/ with every production dependency, so the image needs no node_modules/.
// The bundle keeps dist/'s paths (bundle/dist/cli/ra2/main.js, bundle/dist/cli/sonobuoy/main.js),
// and their shared code goes to bundle/dist/cli/chunks/. dockerode stays out: only the kind
// disruptive probe (ra2.app.008) imports it, on first use, and it reads files of its gRPC stack from
// disk at load time; in the image that probe finds no Docker API, as in any plugin pod, and skips.
// Usage: node scripts/bundle.mjs [OUTDIR]   (after `npm run build`; OUTDIR defaults to bundle/)
import { build } from 'esbuild';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import console from 'node:console';

const outRoot = path.resolve(process.argv[2] ?? 'bundle');
const entryPoints = ['dist/cli/ra2/main.js', 'dist/cli/sonobuoy/main.js'];
for (const entry of entryPoints)
  if (!existsSync(entry)) {
    console.error(`bundle: ${entry} is missing; run npm run build first`);
    process.exit(1);
  }
rmSync(outRoot, { recursive: true, force: true });

const result = await build({
  entryPoints,
  outbase: 'dist',
  outdir: path.join(outRoot, 'dist'),
  bundle: true,
  splitting: true,
  chunkNames: 'cli/chunks/[name]-[hash]',
  format: 'esm',
  platform: 'node',
  target: 'node22',
  minify: true,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  // dockerode (above), and the native add-ons ws loads only when they are installed.
  external: ['dockerode', 'bufferutil', 'utf-8-validate'],
  // CommonJS dependencies call require() for Node's own modules: give the ES module bundle one.
  banner: {
    js: "import { createRequire as __ra2CreateRequire } from 'node:module'; const require = __ra2CreateRequire(import.meta.url);",
  },
});
let bytes = 0;
for (const out of Object.values(result.metafile.outputs)) bytes += out.bytes;
console.error(
  `bundle: ${Object.keys(result.metafile.outputs).length} files, ${(bytes / 1e6).toFixed(1)} MB in ${path.relative(process.cwd(), outRoot) || '.'}/`,
);
