import { readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository (or unpacked app) root when running from source: two folders above this file. */
export function sourceRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
}

/** The version in the root package.json. */
export function packageVersion(root: string = sourceRoot()): string {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }
  return pkg.version ?? '0.0.0'
}

/** Where the shipped resources (samples) and the built renderer live when running from source. */
export function sourceLayout(root: string = sourceRoot()): { resources: string; renderer: string } {
  return { resources: join(root, 'resources'), renderer: join(root, 'out', 'renderer') }
}
