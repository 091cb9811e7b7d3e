import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

/**
 * sha256 of every file under `root`, by path relative to it: equal maps mean the folder is
 * byte-for-byte as it was (no file changed, appeared or vanished).
 */
export function hashFiles(root: string): Record<string, string> {
  const hashes: Record<string, string> = {}
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name)
      if (statSync(path).isDirectory()) walk(path)
      else
        hashes[relative(root, path)] = createHash('sha256').update(readFileSync(path)).digest('hex')
    }
  }
  walk(root)
  return hashes
}
