// The layers and the imports each may make, as Kubernetes writes them in
// `.import-restrictions`. A layer may import only the layers listed for it;
// docs/architecture.md draws the tree. Tests are outside the layers.
const outside = (message, ...group) => ({ group, message });

const noCli = outside('only cli/ composes the program', '**/cli/**');
const noSuites = outside(
  'only cli/ chooses the suites; the runner takes them as an argument',
  '**/suites/**',
);

/** @type {import('eslint').Linter.Config[]} */
export const layerRules = [
  {
    files: ['catalog/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [outside('catalog/ is data: it imports nothing of ours', '../**')] },
      ],
    },
  },
  {
    files: ['helpers/k8s/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [outside('helpers/k8s/ is API plumbing: it imports nothing of ours', '../**')],
        },
      ],
    },
  },
  {
    files: ['helpers/framework/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            outside(
              'the framework imports catalog/ and helpers/k8s/ only',
              '../probes/**',
              '../reporters/**',
            ),
            noSuites,
            noCli,
          ],
        },
      ],
    },
  },
  {
    files: ['helpers/probes/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            outside(
              "probes import helpers/k8s/ and the framework's check context only; suites judge",
              '../framework/*',
              '!../framework/context.js',
              '../reporters/**',
              '../../catalog/**',
            ),
            noSuites,
            noCli,
          ],
        },
      ],
    },
  },
  {
    files: ['helpers/reporters/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            outside(
              'reporters render the result model only',
              '../framework/*',
              '!../framework/result.js',
              '../k8s/**',
              '../probes/**',
            ),
            noSuites,
            noCli,
          ],
        },
      ],
    },
  },
  {
    files: ['suites/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noCli] }] },
  },
];
