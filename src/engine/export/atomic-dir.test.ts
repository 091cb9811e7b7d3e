import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { execFileSync } from 'node:child_process'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeFolderAtomically } from './atomic-dir'

const root = mkdtempSync(join(tmpdir(), 'rnn-atomic-'))
afterAll(() => {
  chmodSync(root, 0o755)
  rmSync(root, { recursive: true, force: true })
})

const FILES = [
  { path: 'a.txt', data: 'a' },
  { path: 'sub/b.bin', data: Uint8Array.of(1, 2) }
]

describe('writing an export folder atomically', () => {
  it('creates the folder, its parents and subfolders, readable like any new folder', () => {
    const target = join(root, 'new', 'deep', 'export')
    expect(writeFolderAtomically(target, FILES)).toBe(target)
    expect(readFileSync(join(target, 'a.txt'), 'utf8')).toBe('a')
    expect(Array.from(readFileSync(join(target, 'sub', 'b.bin')))).toEqual([1, 2])
    // Not mkdtemp's private 0700.
    expect(statSync(target).mode & 0o077).not.toBe(0)
    expect(readdirSync(join(root, 'new', 'deep'))).toEqual(['export'])
  })

  it('fills an existing empty folder', () => {
    const target = join(root, 'empty')
    mkdirSync(target)
    writeFolderAtomically(target, FILES)
    expect(readdirSync(target).sort()).toEqual(['a.txt', 'sub'])
  })

  it('refuses a non-empty folder or a file, touching neither', () => {
    const taken = join(root, 'taken')
    mkdirSync(taken)
    writeFileSync(join(taken, 'x'), 'x')
    expect(() => writeFolderAtomically(taken, FILES)).toThrow(/already exists and is not empty/)
    expect(readdirSync(taken)).toEqual(['x'])
    const file = join(root, 'file')
    writeFileSync(file, 'f')
    expect(() => writeFolderAtomically(file, FILES)).toThrow(/exists and is a file/)
    expect(readFileSync(file, 'utf8')).toBe('f')
  })

  it('removes everything it wrote, created parents included, when a write fails midway', () => {
    const parent = join(root, 'fresh-parent')
    const before = readdirSync(root).sort()
    // The second file's name is one no file system takes: the first is written, then it fails.
    const files = [FILES[0], { path: 'bad\0name', data: 'x' }]
    expect(() => writeFolderAtomically(join(parent, 'export'), files)).toThrow()
    expect(existsSync(parent)).toBe(false)
    expect(readdirSync(root).sort()).toEqual(before)
  })

  it('refuses paths that leave the folder', () => {
    expect(() => writeFolderAtomically(join(root, 'x'), [{ path: '../escape', data: '' }])).toThrow(
      /must stay inside the folder/
    )
    expect(existsSync(join(root, 'x'))).toBe(false)
  })

  it.skipIf(process.getuid?.() === 0)('refuses a folder it may not write, with the reason', () => {
    const locked = join(root, 'locked')
    mkdirSync(locked)
    chmodSync(locked, 0o555)
    expect(() => writeFolderAtomically(join(locked, 'export'), FILES)).toThrow(
      /Cannot write the export to .*: permission denied\. Nothing was written/
    )
    expect(readdirSync(locked)).toEqual([])
    chmodSync(locked, 0o755)
  })

  // Root ignores permission bits (CI runs as root), so the same guarantees are also proven on real
  // file systems that refuse writes to anyone: a read-only mount and a full one.
  describe.skipIf(!canMount())('on file systems that refuse writes (tmpfs mounts, as root)', () => {
    const mounted: string[] = []
    afterAll(() => {
      for (const dir of mounted) execFileSync('umount', [dir])
    })
    const tmpfs = (name: string, options: string): string => {
      const dir = join(root, name)
      mkdirSync(dir)
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir])
      mounted.push(dir)
      return dir
    }

    it('refuses a read-only folder, with the reason', () => {
      const readOnly = tmpfs('read-only', 'ro,size=64k')
      expect(() => writeFolderAtomically(join(readOnly, 'export'), FILES)).toThrow(
        /Cannot write the export to .*: the file system is read-only\. Nothing was written/
      )
      expect(readdirSync(readOnly)).toEqual([])
    })

    it('fails on a full disk and leaves nothing half-written', () => {
      const full = tmpfs('full', 'size=64k')
      const big = [FILES[0], { path: 'weights.bin', data: new Uint8Array(256 * 1024) }]
      expect(() => writeFolderAtomically(join(full, 'export'), big)).toThrow(
        /Cannot write the export to .*: the disk is full\. Nothing was written/
      )
      expect(readdirSync(full)).toEqual([])
    })
  })
})

/** Whether this process may mount a tmpfs (root on Linux, outside a locked-down container). */
function canMount(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false
  const probe = mkdtempSync(join(tmpdir(), 'rnn-mount-probe-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4k', 'tmpfs', probe], { stdio: 'ignore' })
    execFileSync('umount', [probe])
    return true
  } catch {
    return false
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
}
