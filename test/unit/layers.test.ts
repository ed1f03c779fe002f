/**
 * The layer rules of eslint.layers.js (run by `npm run lint`) reject an import
 * that crosses a layer the wrong way, and accept the ones the layers allow.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { expect } from 'chai';
import { ESLint, type Linter } from 'eslint';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

async function importErrors(file: string, specifier: string): Promise<string[]> {
  const { layerRules } = (await import(
    pathToFileURL(path.join(root, 'eslint.layers.js')).href
  )) as {
    layerRules: Linter.Config[];
  };
  const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: layerRules });
  const [result] = await eslint.lintText(`import { x } from '${specifier}';\nexport { x };\n`, {
    filePath: path.join(root, file),
  });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports')
    .map((m) => m.message);
}

describe('layer import rules', () => {
  const refused: [string, string][] = [
    ['helpers/k8s/bad.ts', '../framework/runner.js'],
    ['helpers/k8s/bad.ts', '../../catalog/index.js'],
    ['helpers/framework/bad.ts', '../../suites/index.js'],
    ['helpers/framework/bad.ts', '../probes/pod.js'],
    ['helpers/framework/bad.ts', '../reporters/junit.js'],
    ['helpers/probes/bad.ts', '../framework/runner.js'],
    ['helpers/probes/bad.ts', '../framework/result.js'],
    ['helpers/reporters/bad.ts', '../framework/runner.js'],
    ['helpers/reporters/bad.ts', '../k8s/cluster.js'],
    ['catalog/bad.ts', '../helpers/k8s/nodes.js'],
    ['suites/bad.ts', '../cli/ra2/run.js'],
  ];
  for (const [file, specifier] of refused) {
    it(`refuses ${specifier} in ${file}`, async () => {
      expect(await importErrors(file, specifier)).to.have.length(1);
    });
  }

  const allowed: [string, string][] = [
    ['helpers/k8s/ok.ts', './wait.js'],
    ['helpers/framework/ok.ts', '../k8s/cluster.js'],
    ['helpers/framework/ok.ts', '../../catalog/index.js'],
    ['helpers/probes/ok.ts', '../framework/context.js'],
    ['helpers/probes/ok.ts', '../k8s/wait.js'],
    ['helpers/reporters/ok.ts', '../framework/result.js'],
    ['suites/ok.ts', '../helpers/probes/pod.js'],
    ['cli/ra2/ok.ts', '../../suites/index.js'],
  ];
  for (const [file, specifier] of allowed) {
    it(`allows ${specifier} in ${file}`, async () => {
      expect(await importErrors(file, specifier)).to.deep.equal([]);
    });
  }
});
