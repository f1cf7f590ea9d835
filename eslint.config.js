// Flat config: typescript-eslint's recommended rules, plus the seam rule of STYLE.md: src/ never
// imports a driver, and an adapter never imports another adapter.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const drivers = ['pg', 'pg-cursor', 'mysql2', 'mysql2/*', 'better-sqlite3', 'oracledb'];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'docs/.vitepress/cache/**', 'docs/.vitepress/dist/**', 'bench/results/**', '.tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly', performance: 'readonly', URL: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', exports: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['src/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: drivers.filter((d) => !d.includes('*')), patterns: ['mysql2/*', '../adapters/*/**/*-driver*'] }] },
  },
  {
    files: ['adapters/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['../../adapters/*', '../postgres/*', '../mysql/*', '../sqlite/*', '../oracle/*'], message: 'An adapter never imports another adapter.' }] }] },
  },
);
