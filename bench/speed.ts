/**
 * Speed benchmark of issue #6: every workload (W1–W5 training, I1 sampling) on every available
 * engine, each engine × workload in its own child process (fair peak RSS), all in one run.
 *
 *   npm run bench [-- --quick] [--json] [--all] [--soak] [--only W1,I1] [--engines native,tfjs]
 *
 * Engines: fused native (oneDNN), fused wasm (SIMD), fused js (reference; only with --all, slow),
 * tfjs-layers (the studio's graph path on the tfjs wasm backend), PyTorch (/usr/bin/python3 with
 * torch; skipped with a note when missing). An engine that cannot load is listed with its reason.
 * `--quick` shortens warm-up and timing for a smoke run; `--tiny` shrinks the shapes (the harness
 * test); `--soak` runs W2 for 1,000 steps per engine and reports RSS at start, middle and end.
 * A benchmark, not a test: timings depend on the machine and its load.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import type { ChildResult } from './speed-child'
import { findWorkload, torchSpec, WORKLOADS } from './workloads'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..')
const PYTHON = '/usr/bin/python3'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
    all: { type: 'boolean', default: false },
    soak: { type: 'boolean', default: false },
    tiny: { type: 'boolean', default: false },
    only: { type: 'string' },
    engines: { type: 'string' },
    backend: { type: 'string', default: 'wasm' },
    'soak-steps': { type: 'string', default: '1000' }
  }
})

type Engine = 'native' | 'wasm' | 'js' | 'tfjs' | 'pytorch'
const ENGINE_LABELS: Record<Engine, string> = {
  native: 'fused native',
  wasm: 'fused wasm',
  js: 'fused js',
  tfjs: 'tfjs-layers',
  pytorch: 'pytorch'
}

interface Row {
  engine: Engine
  workload: string
  result: ChildResult | null
  /** Why there is no result (engine unavailable, crash). */
  note?: string
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '))
      if (code === 0 && line) resolve(JSON.parse(line.slice(7)) as ChildResult)
      else {
        const lines = err
          .split('\n')
          .filter((l) => l.trim() && !/npm warn|tfjs-node|====|Hi, looks/.test(l))
        reject(new Error(lines.at(-1) ?? `exited with ${code}`))
      }
    })
  })
}

function torchAvailable(): Promise<string | null> {
  if (!existsSync(PYTHON)) return Promise.resolve(`${PYTHON} not found`)
  return new Promise((resolve) => {
    const child = spawn(PYTHON, ['-c', 'import torch'], { stdio: 'ignore' })
    child.on('error', (e) => resolve(e.message))
    child.on('close', (code) => resolve(code === 0 ? null : 'python3 has no torch module'))
  })
}

async function measure(engine: Engine, id: string, soak: number): Promise<ChildResult> {
  const seconds = values.quick ? '0.5' : '4'
  const warmup = values.quick ? '1' : '3'
  if (engine === 'pytorch') {
    const spec = torchSpec(findWorkload(id, values.tiny))
    const args = [join('bench', 'torch_rnn.py'), JSON.stringify(spec), seconds, warmup]
    if (soak) args.push(String(soak))
    // PyTorch at its best of both OpenMP wait policies: its default (active spinning) is the
    // fastest on an idle machine, but with anything else on the two cores its threads spin against
    // each other (W1 measured 0.9 steps/s active vs 14.6 passive at load 2). The fused native
    // engine waits passively (native-loader.ts); PyTorch is not handicapped either way.
    const env = { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '2' }
    const active = await run(PYTHON, args, { ...env, OMP_WAIT_POLICY: 'active' })
    const passive = await run(PYTHON, args, { ...env, OMP_WAIT_POLICY: 'passive' })
    return fasterOf(active, passive)
  }
  const tsx = join(root, 'node_modules', '.bin', 'tsx')
  const args = [join('bench', 'speed-child.ts'), '--engine', engine, '--workload', id]
  args.push('--seconds', seconds, '--warmup', warmup, '--backend', values.backend ?? 'wasm')
  if (values.tiny) args.push('--tiny')
  if (soak) args.push('--soak', String(soak))
  return run(tsx, args, process.env)
}

/** The better of two measurements of one workload. */
function fasterOf(a: ChildResult, b: ChildResult): ChildResult {
  const score = (r: ChildResult): number =>
    r.usPerChar !== undefined ? 1 / r.usPerChar : (r.stepsPerSecond ?? 0)
  return score(a) >= score(b) ? a : b
}

function fmt(value: number | undefined, digits = 1): string {
  if (value === undefined || !Number.isFinite(value)) return '—'
  return value >= 100 ? value.toFixed(0) : value.toFixed(digits)
}

/** Ratio of `row` to `ref`: throughput for training, inverse time for sampling (> 1 = faster). */
function ratio(row: ChildResult | null, ref: ChildResult | null | undefined): string {
  if (!row || !ref) return '—'
  if (row.usPerChar !== undefined && ref.usPerChar !== undefined) {
    return `${(ref.usPerChar / row.usPerChar).toFixed(2)}×`
  }
  if (row.stepsPerSecond !== undefined && ref.stepsPerSecond !== undefined) {
    return `${(row.stepsPerSecond / ref.stepsPerSecond).toFixed(2)}×`
  }
  return '—'
}

function table(rows: Row[]): string {
  const header = [
    'workload',
    'engine',
    'steps/s',
    'timesteps/s',
    'µs/char',
    'peak RSS MiB',
    'vs PyTorch',
    'vs tfjs-layers',
    'note'
  ]
  const lines = rows.map((row) => {
    const find = (e: Engine) =>
      rows.find((r) => r.workload === row.workload && r.engine === e)?.result
    const r = row.result
    return [
      row.workload,
      ENGINE_LABELS[row.engine],
      fmt(r?.stepsPerSecond, 2),
      fmt(r?.timestepsPerSecond, 0),
      fmt(r?.usPerChar),
      fmt(r?.peakRssMiB, 0),
      ratio(r, find('pytorch')),
      ratio(r, find('tfjs')),
      row.note ??
        (r?.soakRssMiB ? `RSS ${r.soakRssMiB.map((v) => v.toFixed(0)).join(' → ')} MiB` : '')
    ]
  })
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)))
  const render = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd()
  return [render(header), render(widths.map((w) => '-'.repeat(w))), ...lines.map(render)].join('\n')
}

async function main(): Promise<void> {
  const engines: Engine[] = values.engines
    ? (values.engines.split(',') as Engine[])
    : ['native', 'wasm', ...(values.all ? (['js'] as Engine[]) : []), 'tfjs', 'pytorch']
  const ids = values.soak
    ? ['W2']
    : values.only
      ? values.only.split(',')
      : WORKLOADS.map((w) => w.id)
  const soak = values.soak ? Number(values['soak-steps']) : 0
  const torchMissing = engines.includes('pytorch') ? await torchAvailable() : null
  const unavailable = new Map<Engine, string>()
  if (torchMissing) unavailable.set('pytorch', `skipped: ${torchMissing}`)
  const rows: Row[] = []
  for (const id of ids) {
    for (const engine of engines) {
      const known = unavailable.get(engine)
      if (known) {
        rows.push({ engine, workload: id, result: null, note: known })
        continue
      }
      process.stderr.write(`${id} on ${ENGINE_LABELS[engine]}…\n`)
      try {
        rows.push({ engine, workload: id, result: await measure(engine, id, soak) })
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error)
        const note = `failed: ${message}`
        // A missing engine is missing for every workload: ask once.
        if (/unavailable|not found|Cannot find/i.test(message)) unavailable.set(engine, note)
        rows.push({ engine, workload: id, result: null, note })
      }
    }
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`)
    return
  }
  const titles = ids.map((id) => `${id}: ${findWorkload(id, values.tiny).title}`)
  process.stdout.write(`${titles.join('\n')}\n\n${table(rows)}\n`)
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`)
  process.exitCode = 1
})
