// Flat config: typescript-eslint's type-aware recommended rules for our
// sources; the test bed and build output are someone else's business.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layerRules } from './eslint.layers.js';

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'bundle/**',
      'node_modules/**',
      'testbed/**',
      'kind-configs/**',
      'sonobuoy/**',
      '.ci/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
    },
  },
  ...layerRules,
  {
    files: ['eslint.config.js', 'eslint.layers.js', 'scripts/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
);
