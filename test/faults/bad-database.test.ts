/**
 * A studio started (as a real `rnn-studio` process) on a database it must not touch: random bytes,
 * a file truncated mid-way or to its first page, a first page overwritten past its header, and a
 * database written by a newer RNN Studio. Each time the process exits 1 with a message that names
 * the file and says what to do, prints no stack trace, and leaves the home folder byte-for-byte as
 * it was (no -wal or -shm file created either).
 */
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRun, openDatabase } from '../../src/store'
import { runCli } from '../support/cli-process'
import { hashFiles } from '../support/hash-files'
import { tempHome } from '../support/temp-home'

let temp: ReturnType<typeof tempHome>
/** A sound studio database with a few hundred runs (so it spans many pages), closed cleanly. */
let sound: string

beforeAll(() => {
  temp = tempHome('rnn-studio-faults-')
  sound = join(temp.path, 'sound.db')
  const db = openDatabase(sound)
  for (let i = 0; i < 300; i++) {
    createRun(db, { name: `run ${i}`, task: 'synthetic', datasetId: null, config: { i } })
  }
  db.pragma('wal_checkpoint(TRUNCATE)')
  db.close()
})
afterAll(() => temp.remove())

const PAGE = 4096

const CASES: { name: string; make: () => Buffer; expected: RegExp }[] = [
  {
    name: 'random bytes',
    make: () => randomBytes(64 * 1024),
    expected: /is not an RNN Studio database.*Move it aside/s
  },
  {
    name: 'truncated to half',
    make: () => readFileSync(sound).subarray(0, Math.floor(readFileSync(sound).length / 2)),
    expected: /is damaged.*Move it aside.*\.recover/s
  },
  {
    name: 'truncated to its first page',
    make: () => readFileSync(sound).subarray(0, PAGE),
    expected: /is damaged.*Move it aside/s
  },
  {
    name: 'first page overwritten after the header',
    make: () => {
      const bytes = Buffer.from(readFileSync(sound))
      randomBytes(PAGE - 100).copy(bytes, 100)
      return bytes
    },
    expected: /is (damaged|not an RNN Studio database).*Move it aside/s
  },
  {
    name: 'written by a newer RNN Studio',
    make: () => {
      const bytes = Buffer.from(readFileSync(sound))
      bytes.writeUInt32BE(9999, 60) // the header's user_version
      return bytes
    },
    expected: /newer version of RNN Studio \(schema 9999.*Upgrade RNN Studio.*not been changed/s
  }
]

describe('a database the studio must refuse', { timeout: 60_000 }, () => {
  it.each(CASES)('$name: refused, with what to do, file untouched', async ({ make, expected }) => {
    const home = join(temp.path, `home-${Math.random().toString(36).slice(2)}`)
    mkdirSync(home)
    writeFileSync(join(home, 'studio.db'), make())
    const before = hashFiles(home)
    const result = await runCli(['runs', 'list', '--home', home])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/^rnn-studio: The database (file )?"[^"]+studio\.db" /m)
    expect(result.stderr).toMatch(expected)
    expect(result.stderr).not.toMatch(/\n\s+at /)
    expect(hashFiles(home)).toEqual(before)
  })

  it('a sound copy of the same file opens (the cases above fail for their damage alone)', async () => {
    const home = join(temp.path, 'home-sound')
    mkdirSync(home)
    copyFileSync(sound, join(home, 'studio.db'))
    const result = await runCli(['runs', 'list', '--json', '--limit', '1000', '--home', home])
    expect(result.code, result.stderr).toBe(0)
    expect(JSON.parse(result.stdout)).toHaveLength(300)
  })
})
