/**
 * A tiny tmpfs for disk-full and read-only faults. Mounting needs root (CAP_SYS_ADMIN); where it is
 * not permitted, {@link mountTmpfs} returns the reason and the caller skips with it.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Tmpfs {
  path: string
  /** Remounts with new options (e.g. `ro`, `rw`, `size=64m`), keeping the files. */
  remount(options: string): void
  /** Unmounts and removes the mount point. */
  remove(): void
}

/** Mounts a tmpfs of `size` (e.g. `2m`); returns why not when this machine does not allow it. */
export function mountTmpfs(size: string): Tmpfs | { skip: string } {
  const path = mkdtempSync(join(tmpdir(), 'rnn-studio-tmpfs-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', path], { stdio: 'pipe' })
  } catch (error) {
    rmSync(path, { recursive: true, force: true })
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim()
    return { skip: `cannot mount a tmpfs here (${stderr || (error as Error).message})` }
  }
  return {
    path,
    remount(options) {
      execFileSync('mount', ['-o', `remount,${options}`, path], { stdio: 'pipe' })
    },
    remove() {
      try {
        execFileSync('umount', ['-l', path], { stdio: 'pipe' })
      } finally {
        rmSync(path, { recursive: true, force: true })
      }
    }
  }
}
