// Lint keeps the layers of ARCHITECTURE.md §1 apart (the second fence, beside one tsconfig per layer):
// arrows point down only, the protocol core stays pure, and only the Electron shell imports 'electron'.
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

const nodeBuiltins = [...builtinModules, ...builtinModules.map((m) => `node:${m}`)];

const belowTheApp = { group: ['**/electron/**', '**/renderer/**'], message: 'node-runtime sits below the app: it never imports it.' };

const electronOnlyInShell = { name: 'electron', message: "Only electron/main.ts and electron/preload.ts import 'electron'." };

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'release/**', 'test-results/**', 'playwright-report/**', 'logs/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['node-runtime/protocol/**/*.ts'],
    ignores: ['node-runtime/protocol/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: nodeBuiltins.map((name) => ({ name, message: 'The protocol core is pure: no Node modules.' })),
        patterns: [
          { group: ['../*', '../**'], message: 'The protocol core imports nothing outside itself.' },
          { regex: '^[^.]', message: 'The protocol core imports no packages: it is pure and self-contained.' },
        ],
      }],
      'no-restricted-globals': ['error',
        ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask',
          'performance', 'process', 'Buffer', 'fetch', 'crypto'].map((name) => ({
          name, message: 'The protocol core is pure: time, I/O and randomness come in through its inputs.' })),
      ],
      'no-restricted-properties': ['error',
        { object: 'Date', property: 'now', message: 'Pass `now` in; the core has no clock.' },
        { object: 'Math', property: 'random', message: 'Use the seeded Rng passed in.' },
      ],
    },
  },
  {
    files: ['node-runtime/**/*.ts'],
    ignores: ['node-runtime/protocol/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [electronOnlyInShell],
        patterns: [belowTheApp],
      }],
    },
  },
  {
    // ARCHITECTURE.md §5: the node exposes a typed API; what serves it (services/) and drives it (control/, cli/)
    // sits above, so no import circle can come back.
    files: ['node-runtime/node/**/*.ts', 'node-runtime/control/**/*.ts'],
    ignores: ['**/*.test.ts', '**/testing/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [electronOnlyInShell],
        patterns: [belowTheApp, {
          group: ['**/services/**', '**/cli/**'],
          allowTypeImports: true,
          message: 'The node and its commands sit below the services and the CLI that use them.',
        }, {
          group: ['**/control/**', '**/grep/**'],
          allowTypeImports: true,
          message: 'Only services/ wires control and grep to the node (ARCHITECTURE.md §5).',
        }],
      }],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [electronOnlyInShell],
        patterns: [{ group: ['**/renderer/**'], message: 'The host never imports the renderer.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.ts'],
    ignores: ['renderer/**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        paths: [electronOnlyInShell, ...nodeBuiltins.map((name) => ({ name, message: 'The renderer runs in a browser.' }))],
        patterns: [
          { group: ['**/electron/**'], allowTypeImports: true, message: 'The renderer sees the host only through `import type` (HostApi).' },
          // The simulator is pure too (it imports only the protocol): the demo runs it in a Worker.
          { regex: 'node-runtime/(?!protocol/|sim/)', message: 'The renderer may use only the pure protocol code and its simulator.' },
        ],
      }],
    },
  },
);
