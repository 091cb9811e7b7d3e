#!/usr/bin/env node
// Builds the optional oneDNN engine (native/onednn, issue #6) with node-gyp, as better-sqlite3
// builds at install. The engine is optional, so by default a failed build never fails the install:
// it prints one line (the first compiler or linker error) and exits 0, and the studio falls back
// to another engine. `--strict` (CI, where oneDNN is installed) exits 1 instead.
//
// oneDNN comes from the system (Debian/Ubuntu: `apt install libdnnl-dev`), or from a oneDNN build
// or release archive named by DNNL_ROOT (its include/ and lib/ are used and lib/ is put on the
// addon's rpath). The full log goes to native/onednn/build/build-native.log.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const addonDir = join(root, 'native', 'onednn')
const logFile = join(addonDir, 'build', 'build-native.log')
const strict = process.argv.includes('--strict')

/** node-gyp's CLI: npm's own during `npm install`/`npm run`, else a local install, else npm's bundled copy. */
function findNodeGyp() {
  const candidates = [process.env.npm_config_node_gyp]
  try {
    candidates.push(createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js'))
  } catch {
    // not a dependency of this checkout; try npm's copy
  }
  const bin = dirname(process.execPath)
  candidates.push(
    join(bin, '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
    join(bin, 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js')
  )
  return candidates.find((file) => file && existsSync(file))
}

/**
 * Node's headers: those installed beside this node (official archives and Debian's libnode-dev
 * ship include/node), so the build works offline; node-gyp downloads them otherwise.
 */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return []
  const prefix = dirname(dirname(process.execPath))
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : []
}

/** The line that says why: the first compiler/linker error, else node-gyp's own last error. */
function firstError(log) {
  const lines = log.split('\n').map((line) => line.trim())
  const compiler = lines.find(
    (line) => /\berror\b|cannot find -l|undefined reference/i.test(line) && !line.startsWith('gyp')
  )
  return compiler ?? lines.filter((line) => line.startsWith('gyp ERR!')).pop() ?? 'unknown error'
}

function finish(ok, message) {
  console.log(`[build-native] ${message}`)
  process.exit(ok || !strict ? 0 : 1)
}

const nodeGyp = findNodeGyp()
if (!nodeGyp) finish(false, 'oneDNN engine not built: node-gyp not found (it comes with npm)')

const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--jobs=2', ...nodedirArgs()], {
  cwd: addonDir,
  encoding: 'utf8',
  env: process.env
})
const log = `${result.stdout ?? ''}\n${result.stderr ?? ''}${result.error ? `\n${result.error.message}` : ''}`
mkdirSync(dirname(logFile), { recursive: true })
writeFileSync(logFile, log)

if (result.status === 0) {
  finish(true, 'oneDNN engine built: native/onednn/build/Release/rnn_studio_onednn.node')
}
finish(
  false,
  `oneDNN engine not built (${firstError(log)}); the studio will use another engine. Log: ${logFile}`
)
