#!/usr/bin/env node
// `npm test`: every check the project has, in order, each counted, ending with one
// "N passed, N failed" line that sums them all (CI reads that line, not vitest's own summary).
// Static checks (typecheck, lint, build) count as one test each; test suites count their tests.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const reportDir = mkdtempSync(join(tmpdir(), 'rnn-studio-test-'))
const only = process.argv.slice(2)
const results = []

function run(label, command, args, env = {}) {
  console.log(`\n━━ ${label}: ${command} ${args.join(' ')}`)
  const started = Date.now()
  const child = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...env } })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  console.log(`━━ ${label}: exit ${child.status ?? child.signal} in ${seconds}s`)
  return child.status === 0
}

function step(label, command, args) {
  if (only.length && !only.includes(label)) return
  const ok = run(label, command, args)
  results.push({ label, passed: ok ? 1 : 0, failed: ok ? 0 : 1 })
}

function suite(label, config) {
  if (only.length && !only.includes(label)) return
  const file = join(reportDir, `${label}.json`)
  const args = [
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`
  ]
  if (config) args.push('--config', config)
  const ok = run(label, 'npx', args)
  let passed
  let failed
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'))
    passed = report.numPassedTests
    failed = report.numFailedTests
    // A file that fails to load has no tests to count; count it as a failure.
    failed += report.testResults.filter(
      (r) => r.status === 'failed' && r.assertionResults.length === 0
    ).length
  } catch {
    passed = 0
    failed = 1
  }
  if (!ok && failed === 0) failed = 1
  results.push({ label, passed, failed })
}

step('typecheck-node', 'npx', ['tsc', '--noEmit', '-p', 'tsconfig.node.json'])
step('typecheck-web', 'npx', [
  'svelte-check',
  '--tsconfig',
  './tsconfig.web.json',
  '--threshold',
  'error'
])
step('lint', 'npm', ['run', '--silent', 'lint'])
step('build', 'npx', ['electron-vite', 'build'])
suite('unit')
suite('e2e', 'vitest.e2e.config.mts')
rmSync(reportDir, { recursive: true, force: true })

console.log('\nSummary')
for (const r of results)
  console.log(`  ${r.label.padEnd(16)} ${r.passed} passed, ${r.failed} failed`)
const passed = results.reduce((n, r) => n + r.passed, 0)
const failed = results.reduce((n, r) => n + r.failed, 0)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
