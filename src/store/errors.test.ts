import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { StoreError, toStoreError } from './errors'

const PATH = '/home/ada/.rnn-studio/studio.db'

function mapped(code: string, message = 'sqlite says no'): StoreError {
  const result = toStoreError(new Database.SqliteError(message, code), PATH)
  expect(result).toBeInstanceOf(StoreError)
  return result as StoreError
}

describe('toStoreError', () => {
  it('turns the conditions a user can fix into StoreErrors that name the file', () => {
    const cases: [string, StoreError['code'], RegExp][] = [
      ['SQLITE_NOTADB', 'NOT_A_DATABASE', /not an SQLite file.*Move it aside/],
      ['SQLITE_CORRUPT', 'CORRUPT', /damaged.*Move it aside/],
      ['SQLITE_CORRUPT_INDEX', 'CORRUPT', /damaged/],
      ['SQLITE_BUSY', 'LOCKED', /in use by another program.*Close the other program/],
      ['SQLITE_BUSY_SNAPSHOT', 'LOCKED', /in use/],
      ['SQLITE_READONLY', 'READ_ONLY', /cannot be written.*permissions|may write/],
      ['SQLITE_CANTOPEN', 'CANNOT_OPEN', /could not be opened/],
      ['SQLITE_FULL', 'DISK_FULL', /disk is full.*Free some space/]
    ]
    for (const [code, storeCode, message] of cases) {
      const error = mapped(code)
      expect(error.code).toBe(storeCode)
      expect(error.message).toContain(PATH)
      expect(error.message).toMatch(message)
      expect(error.path).toBe(PATH)
      expect((error.cause as Error).message).toBe('sqlite says no')
    }
  })

  it('maps file-system permission and space errors from creating the folder', () => {
    const eacces = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })
    expect((toStoreError(eacces, PATH) as StoreError).code).toBe('CANNOT_OPEN')
    const enospc = Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' })
    expect((toStoreError(enospc, PATH) as StoreError).code).toBe('DISK_FULL')
  })

  it('leaves bugs alone: other SQLite errors and plain errors come back unchanged', () => {
    const syntax = new Database.SqliteError('near "SELEC": syntax error', 'SQLITE_ERROR')
    expect(toStoreError(syntax, PATH)).toBe(syntax)
    const plain = new TypeError('x is undefined')
    expect(toStoreError(plain, PATH)).toBe(plain)
    const store = new StoreError('NOT_FOUND', 'Run 3 does not exist.')
    expect(toStoreError(store, PATH)).toBe(store)
  })

  it('says "The database" when there is no file to name', () => {
    const error = toStoreError(new Database.SqliteError('x', 'SQLITE_FULL')) as StoreError
    expect(error.message).toMatch(/^The database could not be written/)
    expect(error.path).toBeUndefined()
  })
})
