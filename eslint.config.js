// Flat config. The layer rules of docs/architecture.md are enforced here, per folder, so that a forbidden
// import fails `npm test` instead of relying on review (pattern from excalidraw's eslintrc.base).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const FRAMEWORKS = ['react', 'react-*', 'react/*', 'zustand', 'zustand/*', 'cytoscape', 'cytoscape/*'];

/** Syntax nobody writes anywhere: user text is rendered as text, input is never executed. */
const SAFETY = [
  {
    selector: "JSXAttribute[name.name='dangerouslySetInnerHTML']",
    message: 'User text is only ever rendered as text.',
  },
  {
    selector: "AssignmentExpression[left.property.name='innerHTML']",
    message: 'User text is only ever rendered as text.',
  },
  { selector: "NewExpression[callee.name='Function']", message: 'Nothing from input is ever executed.' },
];

/**
 * Which CNI or Service proxy runs is the registry's question (src/sim/registry.ts): reading
 * `settings.cni` or `settings.proxyMode` anywhere else grows a branch on the kind that the next CNI
 * or proxy has to find. Ask `cniPlugin(cluster)` / `serviceProxy(cluster)` instead.
 */
const SETTINGS_MESSAGE =
  'Only the CNI and proxy modules and src/sim/registry.ts read settings.cni / settings.proxyMode: ask cniPlugin() or serviceProxy().';
const SETTINGS_READS = [
  // cluster.settings.cni, spec.settings?.proxyMode, ...
  "MemberExpression[property.name=/^(cni|proxyMode)$/][object.type='MemberExpression'][object.property.name='settings']",
  // settings.cni
  "MemberExpression[property.name=/^(cni|proxyMode)$/][object.type='Identifier'][object.name='settings']",
  // const { cni } = cluster.settings / = settings
  "VariableDeclarator[init.property.name='settings'] > ObjectPattern > Property[key.name=/^(cni|proxyMode)$/]",
  "VariableDeclarator[init.name='settings'] > ObjectPattern > Property[key.name=/^(cni|proxyMode)$/]",
  // useVizStore((s) => s.cluster.settings) and friends are caught by the first selector.
].map((selector) => ({ selector, message: SETTINGS_MESSAGE }));

/**
 * The modules that may read the settings, the registry that maps them to modules, and the two
 * places that write them: the importer (from the configuration objects) and the CNI / proxy
 * switches of the UI (which show and change the configuration itself).
 */
const SETTINGS_READERS = [
  'src/sim/cni/**',
  'src/sim/proxy/**',
  'src/sim/registry.ts',
  'src/sim/import/settings.ts',
  'src/ui/ScenarioPicker.tsx',
];
/** Builds a restricted-imports rule from groups of forbidden specifiers with one message each. */
function forbid(...patterns) {
  return ['error', { patterns: patterns.map(([group, message]) => ({ group, message })) }];
}

export default tseslint.config(
  {
    ignores: [
      'dist',
      'dist-cli',
      'node_modules',
      'test-results',
      'playwright-report',
      'e2e-artifacts',
      // files that break a rule on purpose, linted by src/lintRules.test.ts
      'lint-fixtures',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', ...SAFETY],
      'no-eval': 'error',
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/**/*.test.ts', 'src/**/*.test.tsx', ...SETTINGS_READERS],
    rules: { 'no-restricted-syntax': ['error', ...SAFETY, ...SETTINGS_READS] },
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
