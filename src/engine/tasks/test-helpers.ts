import { readDatasetSource, type DatasetFiles } from '../data'
import { samplePath, utf8 } from '../data/test-helpers'
import type { Batch } from './types'

/** A one-file dataset holding `text`. */
export function oneFile(name: string, text: string): DatasetFiles {
  return { name: name.replace(/\.[^.]*$/, ''), files: [{ name, bytes: utf8(text) }] }
}

/** A folder dataset: file name → text. */
export function folder(name: string, files: Record<string, string>): DatasetFiles {
  return {
    name,
    files: Object.entries(files).map(([file, text]) => ({ name: file, bytes: utf8(text) }))
  }
}

/** A sample from resources/samples, read as the backend reads it. */
export function readSample(relative: string): Promise<DatasetFiles> {
  return readDatasetSource(samplePath(relative))
}

/** A batch's arrays as plain numbers, for `toEqual` on small hand-made data. */
export function plain(batch: Batch): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(batch)) {
    out[key] = ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value
  }
  return out
}

/** A `random` that returns the given values in turn (then repeats the last). */
export function sequence(...values: number[]): () => number {
  let i = 0
  return () => values[Math.min(i++, values.length - 1)]
}
