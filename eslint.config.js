import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layers: the data walks one way (HTTP -> intake -> store -> reports -> HTTP), and each folder
 * may import only what lies below it. `db/` knows no caller; `ingest/` and `reports/` are
 * libraries that the server in `web/server` wires, and neither imports the other; the dashboard
 * (`web/src`) speaks only HTTP. Each rule names itself in its message.
 */
const layer = (files, folders, message) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ regex: `^(\\.\\./)+(${folders.join('|')})(/|$)`, message: `layer rule "${message}"` }],
    }],
  },
});

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'tmp/', 'web/.svelte-kit/', 'web/build/', 'web/server/dist/', 'db/migrations/', 'bench-results/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  layer(['db/**'], ['ingest', 'reports', 'web'], 'db/ knows no caller: it imports nothing of ingest/, reports/ or web/'),
  layer(['ingest/**'], ['reports', 'web'], 'ingest/ is a library: it imports nothing of reports/ or web/ (the server wires it)'),
  layer(['reports/**'], ['ingest', 'web'], 'reports/ is a library: it imports nothing of ingest/ or web/ (the server wires it)'),
  layer(['web/src/**'], ['db', 'ingest', 'reports', 'server'], 'the dashboard speaks only HTTP: web/src imports nothing of db/, ingest/, reports/ or web/server/'),
);
