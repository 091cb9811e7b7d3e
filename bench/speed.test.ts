/**
 * Smoke test of the speed benchmark's harness (not of speed: no timing assertions): a quick run
 * on tiny shapes with the reference engine spawns its child processes and prints the table.
 */
import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const root = join(import.meta.dirname, '..')

describe('npm run bench harness', () => {
  it('runs training and sampling workloads on the js engine and prints the table', async () => {
    const { stdout } = await run(
      join(root, 'node_modules', '.bin', 'tsx'),
      [
        'bench/speed.ts',
        '--tiny',
        '--quick',
        '--engines',
        'js',
        '--only',
        'W3,I1',
        '--backend',
        'cpu'
      ],
      { cwd: root, timeout: 120_000 }
    )
    const lines = stdout.split('\n')
    expect(
      lines.some((l) => /^workload\s+engine\s+steps\/s\s+timesteps\/s\s+µs\/char/.test(l))
    ).toBe(true)
    const w3 = lines.find((l) => l.startsWith('W3 ') && l.includes('fused js'))
    const i1 = lines.find((l) => l.startsWith('I1 ') && l.includes('fused js'))
    expect(w3).toMatch(/fused js\s+\d+(\.\d+)?\s+\d+/)
    expect(i1).toMatch(/fused js\s+—\s+—\s+\d+(\.\d+)?/)
  }, 180_000)
})
