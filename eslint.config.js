// Flat config. The layer rules of DESIGN.md are enforced here, per folder, so that a forbidden
// import fails `npm test` instead of relying on review (pattern from excalidraw's eslintrc.base).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const FRAMEWORKS = ['react', 'react-*', 'react/*', 'zustand', 'zustand/*', 'cytoscape', 'cytoscape/*'];

/** Builds a restricted-imports rule from groups of forbidden specifiers with one message each. */
function forbid(...patterns) {
  return ['error', { patterns: patterns.map(([group, message]) => ({ group, message })) }];
}

export default tseslint.config(
  { ignores: ['dist', 'dist-cli', 'node_modules', 'test-results', 'playwright-report', 'e2e-artifacts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
          message: 'User text is only ever rendered as text.',
        },
        {
          selector: "AssignmentExpression[left.property.name='innerHTML']",
          message: 'User text is only ever rendered as text.',
        },
        { selector: "NewExpression[callee.name='Function']", message: 'Nothing from input is ever executed.' },
      ],
      'no-eval': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['src/sim/**/*.ts'],
    ignores: ['src/sim/**/*.test.ts'],
    languageOptions: { globals: {} },
    rules: {
      '@typescript-eslint/no-restricted-imports': forbid(
        [FRAMEWORKS, 'src/sim is framework-free: data in, data out.'],
        [
          ['**/store/**', '**/canvas/**', '**/animation/**', '**/ui/**', '**/app/**', '**/cli/**'],
          'src/sim depends on nothing else in src.',
        ],
        [['node:*', 'fs', 'path', 'os', 'child_process'], 'src/sim runs in browsers and workers too: no Node APIs.'],
      ),
      'no-restricted-globals': ['error', 'window', 'document', 'requestAnimationFrame', 'localStorage', 'process'],
    },
  },
  {
    files: ['src/store/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': forbid([
        ['**/canvas/**', '**/animation/**', '**/ui/**', '**/app/**', 'cytoscape', 'react', 'react-dom'],
        'src/store may import only src/sim and zustand (React only in VizStoreProvider.tsx).',
      ]),
    },
  },
  {
    files: ['src/canvas/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': forbid([
        ['react', 'react-dom', 'zustand', '**/store/**', '**/ui/**', '**/app/**', '**/animation/**'],
        'src/canvas gets data through update() and reports through callbacks.',
      ]),
    },
  },
  {
    files: ['src/animation/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': forbid([
        ['react', 'react-dom', 'zustand', 'cytoscape', '**/store/**', '**/ui/**', '**/app/**', '**/canvas/**'],
        'src/animation is time, not pixels: it gets geometry through an interface.',
      ]),
    },
  },
  {
    files: ['src/ui/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-restricted-imports': forbid(
        [['cytoscape', 'cytoscape/*'], 'Only src/canvas imports Cytoscape.'],
        [['**/app/**'], 'src/ui must not import src/app.'],
      ),
    },
  },
  {
    files: ['src/cli/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': forbid([
        [...FRAMEWORKS, '**/store/**', '**/canvas/**', '**/animation/**', '**/ui/**', '**/app/**'],
        'src/cli sits on src/sim only.',
      ]),
    },
  },
);
