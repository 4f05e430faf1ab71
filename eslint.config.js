import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'coverage/', 'counterexamples/', '.stryker-tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', performance: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    // The explorer is generic: it must not know the kernel model or the spec.
    files: ['explorer/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/model/**', '**/spec/**', '**/test/**'], message: 'explorer/ imports nothing from model/, spec/ or test/' }] },
      ],
    },
  },
  {
    // The kernel model imports only immer, ts-pattern and the explorer's contract types and codecs.
    files: ['model/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/spec/**', '**/test/**'], message: 'model/ does not import spec/ or test/' }] },
      ],
    },
  },
);
