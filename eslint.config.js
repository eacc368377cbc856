// Lint rules that catch real defects here, and the import rule of docs/architecture.md.
import tseslint from 'typescript-eslint';

/**
 * Import patterns a folder may not use: any relative path through one of `forbidden`'s
 * folders, except the files named in `allowed` (paths under src/, e.g. `views/html.ts`).
 */
const layer = (forbidden, allowed = []) => ({
  'no-restricted-imports': [
    'error',
    {
      patterns: forbidden.map((folder) => {
        const except = allowed
          .filter((file) => file.startsWith(`${folder}/`))
          .map((file) => `(?!${file.slice(folder.length + 1).replace(/[.]/g, '\\.')}$)`)
          .join('');
        return {
          regex: `(^|/)${folder}(/${except}|$)`,
          message: `This folder may not import ${folder}/ (see docs/architecture.md, "Import rule").`,
        };
      }),
    },
  ],
});

/**
 * What only the composition root (main, cli, server, app, config, and services/system.ts,
 * which defines the real clock and ids that the root injects) may touch.
 */
const injectedOnly = {
  'no-restricted-properties': [
    'error',
    { object: 'Date', property: 'now', message: 'Use the injected clock (ctx.clock / deps.now).' },
    { object: 'Math', property: 'random', message: 'Use the injected id generator or node:crypto.' },
  ],
  'no-restricted-syntax': [
    'error',
    {
      selector: "MemberExpression[object.name='process'][property.name='env']",
      message: 'Only config.ts reads the environment; pass configuration in.',
    },
  ],
};

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'test-artifacts/**', 'assets/**', 'bin/**'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: true, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            { from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] },
          ],
        },
      ],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/consistent-type-assertions': [
        'error',
        { assertionStyle: 'as', objectLiteralTypeAssertions: 'never' },
      ],
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': 'off',
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts', 'src/cli.ts', 'src/server.ts', 'src/app.ts', 'src/config.ts', 'src/services/system.ts'],
    rules: injectedOnly,
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: layer(['services', 'db', 'http', 'views', 'changes', 'outbound', 'workers']),
  },
  { files: ['src/services/**/*.ts'], rules: layer(['http', 'views', 'workers']) },
  // Background loops (monitor loop, delivery worker): they run use cases, never serve HTTP.
  { files: ['src/workers/**/*.ts'], rules: layer(['http', 'views']) },
  // What notifications say (email, webhook, Slack bodies): rendered by the delivery use cases,
  // from domain types, with the views' escape-by-default `html` template.
  {
    files: ['src/notifications/**/*.ts'],
    rules: layer(
      ['services', 'db', 'http', 'views', 'changes', 'outbound', 'workers'],
      ['views/html.ts', 'views/escape.ts'],
    ),
  },
  { files: ['src/http/**/*.ts'], rules: layer(['db']) },
  { files: ['src/views/**/*.ts'], rules: layer(['services', 'db']) },
);
