import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { tempHome } from '../../test/support/temp-home'
import { runCli } from './main'
import type { Output } from './output'

let home: ReturnType<typeof tempHome>
beforeEach(() => {
  home = tempHome()
  process.env.RNN_STUDIO_BACKEND = 'cpu'
})
afterEach(() => home.remove())

function capture(json = false): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = []
  const stderr: string[] = []
  return { json, stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t) }
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture(args.includes('--json'))
  const code = await runCli([...args, '--home', home.path], { output: io })
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') }
}

describe('rnn-studio CLI', () => {
  it('lists the sample datasets as a table and as JSON', async () => {
    const table = await cli(['datasets', 'list'])
    expect(table.code).toBe(0)
    expect(table.stdout).toMatch(/Tiny Shakespeare\s+text \(sample\)\s+1\.1 MiB\s+1,115,394 chars/)
    const json = await cli(['datasets', 'list', '--json'])
    const datasets = JSON.parse(json.stdout) as { name: string; kind: string }[]
    expect(datasets.find((d) => d.name === 'Names by language')?.kind).toBe('class-folder')
  })

  it('adds a file, then shows it', async () => {
    const file = join(home.path, 'corpus with spaces.txt')
    writeFileSync(file, 'to be or not to be, that is the question\n'.repeat(10))
    const added = await cli(['datasets', 'add', file, '--name', 'Hamlet', '--json'])
    expect(added.code).toBe(0)
    const { id } = JSON.parse(added.stdout) as { id: number }
    const shown = await cli(['datasets', 'show', String(id)])
    expect(shown.stdout).toContain('Hamlet (#' + id + ', text)')
  })

  it('fails with exit 1 and a reason a script can read for bad data', async () => {
    const file = join(home.path, 'empty.txt')
    writeFileSync(file, '')
    const result = await cli(['datasets', 'add', file, '--json'])
    expect(result.code).toBe(1)
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: 'UNSUPPORTED' } })
    const missing = await cli(['datasets', 'add', join(home.path, 'nope.txt')])
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^rnn-studio: /)
  })

  it('fails with exit 2 for wrong usage', async () => {
    expect((await cli(['frobnicate'])).code).toBe(2)
    expect((await cli(['runs', 'list', '--status', 'exploded'])).code).toBe(2)
    expect((await cli(['datasets', 'list', '--bogus'])).code).toBe(2)
    expect((await cli(['datasets', 'show', 'abc'])).code).toBe(2)
    expect((await cli(['datasets', 'add', 'x', '--kind', 'video'])).code).toBe(2)
  })

  it('lists runs, explaining when there are none', async () => {
    const empty = await cli(['runs', 'list'])
    expect(empty).toMatchObject({ code: 0, stdout: 'No runs yet.' })
    expect(JSON.parse((await cli(['runs', 'list', '--json'])).stdout)).toEqual([])
  })

  it('runs as a real process from the package bin', () => {
    const bin = join(process.cwd(), 'bin', 'rnn-studio.js')
    const help = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' })
    expect(help.status).toBe(0)
    expect(help.stdout).toContain('rnn-studio <command>')
    const info = spawnSync(process.execPath, [bin, 'info', '--json', '--home', home.path], {
      encoding: 'utf8',
      env: { ...process.env, RNN_STUDIO_BACKEND: 'wasm' }
    })
    expect(info.status).toBe(0)
    expect(JSON.parse(info.stdout).backend).toMatchObject({ selected: 'wasm', forced: true })
    const bad = spawnSync(process.execPath, [bin, 'runs', 'list', '--limit', '0'], {
      encoding: 'utf8'
    })
    expect(bad.status).toBe(2)
  })
})
