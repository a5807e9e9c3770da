import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'data/', 'coverage/'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  prettier,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    // The request layer (context, loaders, the change pipeline) knows no module: a module
    // registers what it adds (loaders.of(factory), Viewers, field rules, Changes.react) and
    // composition.ts wires it, so that a rule has one home in its module.
    files: ['src/context/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/modules/**', '**/server/**', '**/demo/**', '**/composition', '**/app', '**/schema'],
              message: 'src/context/ imports no module (nor the server or the composition): let the module register.',
            },
          ],
        },
      ],
    },
  },
  {
    // Domain rules are pure: no database, no GraphQL (policies may name their types).
    files: [
      'src/common/access.ts',
      'src/modules/**/*-lifecycle.ts',
      'src/modules/**/*-rules.ts',
      'src/modules/**/*-permissions.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { paths: ['typeorm', 'graphql', 'type-graphql'].map((name) => ({ name, message: 'Domain rules are pure.' })) },
      ],
    },
  },
  {
    files: ['src/modules/**/*.policy.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: ['typeorm', 'graphql', 'type-graphql'].map((name) => ({
            name,
            allowTypeImports: true,
            message: 'Policies are pure: they may name these types, not use them.',
          })),
        },
      ],
    },
  },
);
