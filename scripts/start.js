#!/usr/bin/env node
// `npm start`: opens the desktop app. Where Electron cannot start (no display, or its binary is not
// installed, as on offline CI machines), says why in one line and serves browser mode instead.
// `npm run web` (`--web`) serves browser mode on purpose. Other arguments go to browser mode
// (e.g. `npm run web -- --port 8123 --home /tmp/studio`).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const args = process.argv.slice(2)
const webOnly = args.includes('--web')
const passThrough = args.filter((a) => a !== '--web')

/** The Electron binary, or why there is none. */
function findElectron() {
  const dir = join(root, 'node_modules', 'electron')
  if (!existsSync(join(dir, 'package.json')))
    return { reason: 'the electron package is not installed' }
  const pathFile = join(dir, 'path.txt')
  if (!existsSync(pathFile))
    return { reason: "Electron's binary is not downloaded (offline install)" }
  const binary = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim())
  if (!existsSync(binary)) return { reason: `Electron's binary is missing at ${binary}` }
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)' }
  }
  return { binary }
}

function newestMtime(path) {
  const info = statSync(path)
  if (!info.isDirectory()) return info.mtimeMs
  return Math.max(info.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))))
}

/** Builds the app when its sources are newer than the last build. */
function buildIfStale() {
  const marker = join(root, 'out', 'renderer', 'index.html')
  const sources = ['src', 'electron.vite.config.ts', 'package.json'].map((p) => join(root, p))
  if (existsSync(marker) && statSync(marker).mtimeMs >= Math.max(...sources.map(newestMtime)))
    return
  console.log('Building the studio…')
  const result = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit']
  })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

buildIfStale()
const electron = webOnly ? { reason: 'browser mode was asked for' } : findElectron()
let child
if (electron.binary) {
  child = spawn(electron.binary, [root, ...passThrough], { stdio: 'inherit' })
} else {
  if (!webOnly)
    console.log(`Cannot open the desktop window: ${electron.reason}; serving browser mode instead.`)
  child = spawn(process.execPath, [join(root, 'bin', 'rnn-studio.js'), 'web', ...passThrough], {
    cwd: root,
    stdio: 'inherit'
  })
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
child.on('exit', (code) => process.exit(code ?? 0))
