// Lint, including the import-layering table of docs/ARCHITECTURE.md: a folder's name says where
// its code runs, and these rules keep each folder to the imports that work there.
import js from '@eslint/js'
import svelte from 'eslint-plugin-svelte'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** A relative import that climbs into one of the named src/ folders. */
function intoFolders(...folders) {
  return `^(\\.\\./)+(${folders.join('|')})(/|$)`
}

function layer(files, { modules = [], folders = [], why }) {
  const patterns = []
  if (modules.length) patterns.push({ regex: `^(${modules.join('|')})(/|$)`, message: why })
  if (folders.length) patterns.push({ regex: intoFolders(...folders), message: why })
  return { files, rules: { 'no-restricted-imports': ['error', { patterns }] } }
}

const NODE = 'node:.*'

export default tseslint.config(
  {
    ignores: [
      'out/',
      'dist/',
      'node_modules/',
      'resources/',
      'coverage/',
      'test-results/',
      'bench/results/',
      'build/',
      'native/*/build/',
      'wasm/build/'
    ]
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }
      ]
    }
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } }
  },
  { files: ['src/renderer/**'], languageOptions: { globals: { ...globals.browser } } },

  // ── the layering table ──────────────────────────────────────────────────────────────────
  layer(['src/shared/**'], {
    modules: [NODE, 'electron', '@tensorflow', 'better-sqlite3', 'svelte', 'ws', 'chart\\.js'],
    folders: ['engine', 'store', 'backend', 'server', 'cli', 'main', 'preload', 'renderer'],
    why: 'src/shared is plain TypeScript shared by every runtime: only zod and other shared modules.'
  }),
  layer(['src/engine/**'], {
    modules: ['electron', 'better-sqlite3', 'svelte', 'ws'],
    folders: ['store', 'backend', 'server', 'cli', 'main', 'preload', 'renderer'],
    why: 'src/engine is pure Node compute: no Electron, no SQL, no transports, no UI.'
  }),
  layer(['src/store/**'], {
    modules: ['electron', '@tensorflow', 'svelte', 'ws'],
    folders: ['engine', 'backend', 'server', 'cli', 'main', 'preload', 'renderer'],
    why: 'src/store holds the SQL and nothing else: no compute, no transports.'
  }),
  layer(['src/backend/**'], {
    modules: ['electron', 'svelte', 'ws'],
    folders: ['server', 'cli', 'main', 'preload', 'renderer'],
    why: 'src/backend implements the contract and knows no transport and no Electron.'
  }),
  layer(['src/server/**'], {
    modules: ['electron', 'svelte'],
    folders: ['cli', 'main', 'preload', 'renderer'],
    why: 'src/server is the browser-mode transport: backend and shared only, never Electron.'
  }),
  layer(['src/cli/**'], {
    modules: ['electron', 'svelte'],
    folders: ['main', 'preload', 'renderer'],
    why: 'src/cli runs in plain Node: never Electron or the UI.'
  }),
  layer(['src/main/**'], {
    modules: ['svelte', 'ws', '@tensorflow'],
    // The one engine import main may make: the trainer entry's built path, for utilityProcess.fork.
    folders: [
      'renderer',
      'server',
      'cli',
      'store',
      'engine(?!/worker/trainer-process\\?modulePath$)'
    ],
    why: 'src/main is a thin Electron shell over the backend (engine only as the trainer ?modulePath).'
  }),
  layer(['src/preload/**'], {
    modules: [NODE, 'zod', 'svelte', 'ws', '@tensorflow', 'better-sqlite3'],
    folders: [
      'engine',
      'store',
      'backend',
      'server',
      'cli',
      'main',
      'renderer',
      'shared/(?!api/channels).*'
    ],
    why: 'The sandboxed preload may import electron and plain shared constants (shared/api/channels) only.'
  }),
  layer(['src/renderer/**'], {
    modules: [NODE, 'electron', '@tensorflow', 'better-sqlite3', 'ws'],
    folders: ['engine', 'store', 'backend', 'server', 'cli', 'main', 'preload'],
    why: 'The renderer is a browser page: it reaches the backend through the typed client only.'
  })
)
