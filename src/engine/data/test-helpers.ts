import { fileURLToPath } from 'node:url'
import { DataError } from './errors'

/** Absolute path of a file or folder under resources/samples, for tests against the real data. */
export function samplePath(relative: string): string {
  return fileURLToPath(new URL(`../../../resources/samples/${relative}`, import.meta.url))
}

/** The DataError `fn` throws; fails the test when it throws nothing or something else. */
export function dataErrorOf(fn: () => unknown): DataError {
  try {
    fn()
  } catch (err) {
    if (err instanceof DataError) return err
    throw err
  }
  throw new Error('expected a DataError, but nothing was thrown')
}

/** The DataError `promise` rejects with; fails the test when it resolves or rejects otherwise. */
export async function asyncDataErrorOf(promise: Promise<unknown>): Promise<DataError> {
  try {
    await promise
  } catch (err) {
    if (err instanceof DataError) return err
    throw err
  }
  throw new Error('expected a DataError, but the promise resolved')
}

/** Bytes of a string in UTF-8. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text)
}
