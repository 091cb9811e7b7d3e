import { ESLint } from 'eslint'
import { beforeAll, describe, expect, it } from 'vitest'

/**
 * The import-layering table (eslint.config.js) is a guarantee only if breaking it fails lint.
 * Each case lints a one-line file at a real path in a folder and checks the verdict.
 */
let eslint: ESLint

beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() })
})

async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code + '\nexport {}\n', { filePath })
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message)
}

describe('import layering', () => {
  it.each([
    ['src/shared/api/x.ts', "import 'node:fs'"],
    ['src/shared/api/x.ts', "import '../../store/runs'"],
    ['src/engine/data/x.ts', "import Database from 'better-sqlite3'; void Database"],
    ['src/engine/x.ts', "import '../store/runs'"],
    ['src/store/x.ts', "import '../engine/compute-backend'"],
    ['src/backend/x.ts', "import { app } from 'electron'; void app"],
    ['src/server/x.ts', "import '../main/ipc'"],
    ['src/preload/x.ts', "import { z } from 'zod'; void z"],
    ['src/preload/x.ts', "import '../shared/api/contract'"],
    ['src/renderer/src/lib/x.ts', "import '../../../backend/studio'"],
    ['src/main/x.ts', "import '../engine/train/trainer'"],
    ['src/renderer/src/lib/x.ts', "import { readFileSync } from 'node:fs'; void readFileSync"]
  ])('%s refuses %s', async (filePath, code) => {
    expect(await layeringErrors(filePath, code)).toHaveLength(1)
  })

  it.each([
    ['src/shared/api/x.ts', "import { z } from 'zod'; void z"],
    ['src/engine/x.ts', "import '../shared/domain/run'"],
    ['src/backend/x.ts', "import '../engine/compute-backend'"],
    ['src/backend/x.ts', "import '../store/runs'"],
    ['src/preload/x.ts', "import '../shared/api/channels'"],
    ['src/main/x.ts', "import '../backend/studio'"],
    ['src/main/x.ts', "import entry from '../engine/worker/trainer-process?modulePath'; void entry"]
  ])('%s allows %s', async (filePath, code) => {
    expect(await layeringErrors(filePath, code)).toEqual([])
  })
})
